using System.Diagnostics;

namespace TomoCrop.TestSupport;

/// <summary>Runs real external programs (Debian's python3 with numpy/h5py/tifffile, h5dump, tiffinfo) for interop checks.</summary>
public static class ExternalTool
{
    /// <summary>Debian's interpreter: the python3 first on PATH may lack numpy.</summary>
    public const string Python = "/usr/bin/python3";

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <param name="environment">variables to set for the program; a null value removes the variable</param>
    public static Result Run(string program, IEnumerable<string> arguments, string? stdin = null, int timeoutSeconds = 300,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in {timeoutSeconds} s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a Python script (given as text) with arguments; throws with its stderr when it fails.</summary>
    public static string RunPython(string script, params string[] arguments)
    {
        var result = Run(Python, ["-c", script, .. arguments]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"python failed ({result.ExitCode}):\n{result.StdErr}\n{result.StdOut}");
        }
        return result.StdOut;
    }

    /// <summary>Runs a program; throws with its output when it exits non-zero.</summary>
    public static string RunChecked(string program, params string[] arguments)
    {
        var result = Run(program, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({result.ExitCode}):\n{result.StdErr}\n{result.StdOut}");
        }
        return result.StdOut;
    }
}
