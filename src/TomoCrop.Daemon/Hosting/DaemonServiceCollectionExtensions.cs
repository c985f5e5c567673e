using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TomoCrop.Daemon.FineTuning;
using TomoCrop.Daemon.Health;
using TomoCrop.Daemon.Journal;
using TomoCrop.Daemon.Options;
using TomoCrop.Daemon.Originals;
using TomoCrop.Daemon.Processing;
using TomoCrop.Reporting.Savings;
using TomoCrop.Watching;

namespace TomoCrop.Daemon.Hosting;

public static class DaemonServiceCollectionExtensions
{
    /// <summary>The whole daemon: options per section, the journal, the stages, and one hosted service per concern.</summary>
    public static IServiceCollection AddTomoCropDaemon(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddTimeProvider();
        Bind<StateOptions>(services, configuration, StateOptions.Section);
        Bind<WatchOptions>(services, configuration, WatchOptions.Section);
        Bind<CompletionOptions>(services, configuration, "Completion");
        Bind<LocalizerOptions>(services, configuration, LocalizerOptions.Section);
        Bind<OutputOptions>(services, configuration, OutputOptions.Section);
        Bind<OriginalsOptions>(services, configuration, OriginalsOptions.Section);
        Bind<ProcessingOptions>(services, configuration, ProcessingOptions.Section);
        Bind<IoOptions>(services, configuration, IoOptions.Section);
        Bind<DaemonLoggingOptions>(services, configuration, DaemonLoggingOptions.Section);
        Bind<FineTuningOptions>(services, configuration, FineTuningOptions.Section);
        // Roots without a name are named after their directory (used in logs, savings records, quarantine notes).
        services.PostConfigure<WatchOptions>(watch =>
        {
            for (var i = 0; i < watch.Roots.Count; i++)
            {
                var root = watch.Roots[i];
                if (string.IsNullOrWhiteSpace(root.Name))
                {
                    root.Name = string.IsNullOrWhiteSpace(root.Path) ? $"root{i}" : Path.GetFileName(root.Path.TrimEnd('/'));
                }
            }
        });

        services.AddSingleton(provider =>
        {
            var state = provider.GetRequiredService<IOptions<StateOptions>>().Value;
            return new VolumeJournal(state.JournalDirectory,
                state.JournalForgetDays > 0 ? TimeSpan.FromDays(state.JournalForgetDays) : null,
                provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        });
        services.AddSingleton(provider => new SavingsLog(
            provider.GetRequiredService<IOptions<StateOptions>>().Value.SavingsDirectory,
            provider.GetRequiredService<TimeProvider>(),
            warning => provider.GetRequiredService<ILogger<SavingsLog>>().LogWarning("{Warning}", warning)));
        services.AddSingleton<WorkLoopHealth>();
        services.AddSingleton<LocalizerWorker>();
        services.AddSingleton<WorkQueue>();
        services.AddSingleton<TrainingPool>();
        services.AddSingleton<VolumeProcessor>();

        services.AddSingleton<StartupChecks>();
        services.AddHostedService<ProcessingService>();
        services.AddHostedService<WatchService>();
        services.AddHostedService<OriginalsReaper>();
        services.AddHostedService<DailySummaryService>();
        services.AddHostedService<SystemdWatchdog>();
        services.AddHostedService<FineTuningService>();
        return services;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    private static void Bind<T>(IServiceCollection services, IConfiguration configuration, string section)
        where T : class => services.AddOptions<T>().Bind(configuration.GetSection(section));
}
