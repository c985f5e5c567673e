using TomoCrop.Volumes;

namespace TomoCrop.Cli;

/// <summary>Turns failures into one line on stderr and a distinct exit code; never a stack trace for bad input.</summary>
internal static class CliErrors
{
    public const int Ok = 0;
    public const int BadInput = 2;
    public const int Interrupted = 130;
    public const int Internal = 70;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (VolumeException e)
        {
            return Fail(e.Message, BadInput);
        }
        catch (TomoCrop.Models.ModelException e)
        {
            return Fail(e.Message, BadInput);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            return Fail(e.Message, BadInput);
        }
        catch (OperationCanceledException)
        {
            return Fail("interrupted", Interrupted);
        }
        catch (Exception e)
        {
            return Fail($"internal error: {e.GetType().Name}: {e.Message}", Internal);
        }
    }

    public static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"tomocrop: error: {OneLine(message)}");
        return code;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
