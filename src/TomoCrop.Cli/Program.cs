using System.CommandLine;
using TomoCrop.Cli.Commands;

namespace TomoCrop.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("TomoCropDaemon: find the specimen in tomography volumes and crop them losslessly.");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }
        var parsed = root.Parse(args);
        // Our own handler prints one line per failure; the library's would print a stack trace.
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (parsed.CommandResult.Command.Name == "daemon")
        {
            // The daemon's host handles SIGTERM itself and needs up to its stop timeout; the library would force-exit after 2 s.
            invocation.ProcessTerminationTimeout = null;
        }
        return CliErrors.Run(() => parsed.Invoke(invocation));
    }
}
