using System.CommandLine;
using TomoCrop.Cli.Commands;

namespace TomoCrop.Cli;

/// <summary>Every verb of the `tomocrop` executable, in the order `--help` lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        DemoCommand.Create(),
        CropCommand.Create(),
        DaemonCommand.Create(),
        ModelsCommand.Create(),
        FinetuneCommand.Create(),
        LocalizeCommand.Create(),
        UncropCommand.Create(),
        InfoCommand.Create(),
        PhantomCommand.Create(),
        TrainCommand.Create(),
        EvalCommand.Create(),
        ReportCommand.Create(),
    ];
}
