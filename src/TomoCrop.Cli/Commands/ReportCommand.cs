using System.CommandLine;
using System.Text.Json.Nodes;
using TomoCrop.Daemon.Options;
using TomoCrop.Reporting.Savings;

namespace TomoCrop.Cli.Commands;

/// <summary>
/// `tomocrop report`: the daemon's daily storage savings as a table (or JSON), optionally drawn as a PNG chart.
/// Read-only: it never writes into the state directory, so any user who may read it can run it.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var state = CommonOptions.StateDirectory("the daemon's state directory; the records are in its savings/ folder");
        var days = new Option<int>("--days") { Description = "how many days up to today (UTC)", DefaultValueFactory = _ => 14 };
        var png = new Option<string?>("--png") { Description = "also draw the days as a bar chart into this PNG file" };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of the table" };
        var command = new Command("report", "Show the storage saved per day by the daemon: volumes, bytes in and out, saved %.")
        {
            state, days, png, json,
        };
        command.SetAction(parse =>
        {
            var stateDirectory = Path.GetFullPath(parse.GetValue(state)!);
            if (!Directory.Exists(stateDirectory))
            {
                return CliErrors.Fail($"{stateDirectory}: state directory not found (give the daemon's --state directory)", CliErrors.BadInput);
            }
            var count = parse.GetValue(days);
            if (count is < 1 or > 3660)
            {
                return CliErrors.Fail($"--days {count}: must be between 1 and 3660", CliErrors.BadInput);
            }
            var log = new SavingsLog(new StateOptions { Directory = stateDirectory }.SavingsDirectory, TimeProvider.System,
                warning => Console.Error.WriteLine($"tomocrop: warning: {warning}"));
            var summaries = log.Days(count);
            var chart = parse.GetValue(png) is { } pngPath ? Path.GetFullPath(pngPath) : null;
            if (chart is not null)
            {
                SavingsReport.Chart(summaries, chart);
            }
            if (parse.GetValue(json))
            {
                Console.WriteLine(Json(summaries, log.Directory, chart).ToJsonString());
            }
            else
            {
                Console.Write(SavingsReport.Table(summaries));
                if (chart is not null)
                {
                    Console.WriteLine($"chart: {chart}");
                }
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static JsonObject Json(IReadOnlyList<DailySummary> days, string directory, string? chart)
    {
        var total = SavingsReport.Total(days).ToJson();
        total.Remove("day");
        return new JsonObject
        {
            ["savings_directory"] = directory,
            ["days"] = new JsonArray([.. days.Select(d => (JsonNode)d.ToJson())]),
            ["total"] = total,
            ["chart"] = chart,
        };
    }
}
