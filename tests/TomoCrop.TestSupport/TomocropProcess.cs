using System.Diagnostics;

namespace TomoCrop.TestSupport;

/// <summary>Runs the real `tomocrop` executable as a separate process; the test project must reference src/TomoCrop.Cli so tomocrop.dll sits beside it.</summary>
public static class TomocropProcess
{
    public static string DllPath
    {
        get
        {
            // The test project references the Cli project, so tomocrop.dll and its runtimeconfig sit beside the tests.
            var beside = Path.Combine(AppContext.BaseDirectory, "tomocrop.dll");
            return File.Exists(beside) ? beside : throw new FileNotFoundException("tomocrop.dll not found beside the tests", beside);
        }
    }

    public static ExternalTool.Result Run(params string[] arguments) => ExternalTool.Run("dotnet", [DllPath, .. arguments]);

    public static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start tomocrop");
    }
}
