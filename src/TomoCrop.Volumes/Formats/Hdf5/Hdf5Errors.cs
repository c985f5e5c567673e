namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>Turns PureHDF exceptions into the one-line problem text of a VolumeException.</summary>
internal static class Hdf5Errors
{
    /// <summary>The first line of an exception's message (VolumeException messages stay one line).</summary>
    public static string FirstLine(Exception e)
    {
        // PureHDF invokes its generic encoders by reflection: report the exception inside the wrapper.
        while (e is System.Reflection.TargetInvocationException or AggregateException && e.InnerException is not null)
        {
            e = e.InnerException!;
        }
        var message = e.Message.Trim();
        var newline = message.IndexOfAny(['\r', '\n']);
        var line = newline < 0 ? message : message[..newline];
        return line.Length == 0 ? e.GetType().Name : line;
    }
}
