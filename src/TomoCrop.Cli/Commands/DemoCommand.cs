using System.CommandLine;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop demo`: the whole job on a built-in synthetic scan, no data needed.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Make a small synthetic CT scan of a specimen in a tube, localize it, crop it losslessly, and show what was saved.");
        command.SetAction(_ => CliErrors.Fail("demo needs the phantom generator (being merged)", CliErrors.Internal));
        return command;
    }
}
