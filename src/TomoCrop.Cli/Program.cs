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
        return CliErrors.Run(() => parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
    }
}
