using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TomoCrop.Daemon.Options;
using TomoCrop.Localization;
using TomoCrop.Models;
using TomoCrop.Registry;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Processing;

/// <summary>
/// The one model worker per device: localizations run one at a time on it. Thresholds and margins follow the
/// configuration file when it changes (the change is logged; an invalid change is logged and ignored). Without a
/// configured model path the model is the current version of the method's registry (<see cref="PretextRegistry"/>:
/// rotation → STATE/models, clustering → the sorting registry STATE/models-sorting; each seeded with its shipped
/// model); a promotion or rollback there is picked up before the next volume, without a restart.
/// </summary>
public sealed class LocalizerWorker : IDisposable
{
    private readonly SemaphoreSlim _device = new(1, 1);
    private readonly IConfiguration _configuration;
    private readonly ILogger<LocalizerWorker> _logger;
    private readonly IDisposable _reloadSubscription;
    private readonly StateOptions _state;
    private LocalizerOptions _options;
    private ILocalizer? _localizer;
    private string? _modelVersion;

    public LocalizerWorker(IConfiguration configuration, IOptions<StateOptions> state, ILogger<LocalizerWorker> logger)
    {
        _configuration = configuration;
        _logger = logger;
        _state = state.Value;
        _options = Bind(configuration);
        _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public LocalizerOptions Options => _options;

    /// <summary>The registry version in use ("v0003"), or null for a configured model file or the classical method.</summary>
    public string? ModelVersion => _modelVersion;

    /// <summary>
    /// The pretext whose registry supplies the model (no Localizer:ModelPath; method rotation → "rotation", clustering →
    /// "sorting"), or null when the model is a configured file or the method needs none.
    /// </summary>
    public string? RegistryPretext => _options.ToSettings() is { ModelPath: null } settings ? PretextRegistry.PretextOf(settings.Method) : null;

    /// <summary>Loads the model now (start-up check): throws a ModelException naming the file when it cannot.</summary>
    public ILocalizer Load()
    {
        _device.Wait();
        try
        {
            return Current();
        }
        finally
        {
            _device.Release();
        }
    }

    /// <summary>Localizes on the device; also says which registry version did it.</summary>
    public async Task<(LocalizationResult Result, string? ModelVersion)> LocalizeAsync(IVolumeReader volume, CancellationToken cancellationToken)
    {
        await _device.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (Current().Localize(volume, cancellationToken), _modelVersion);
        }
        finally
        {
            _device.Release();
        }
    }

    /// <summary>The localizer for the current settings and model version; rebuilt when either changed. Holds the device.</summary>
    private ILocalizer Current()
    {
        if (RegistryPretext is { } pretext)
        {
            var current = PretextRegistry.Open(_state, pretext).CurrentOrSeed();
            if (current.Version != _modelVersion)
            {
                var next = _options.ToSettings() with { ModelPath = current.ModelPath };
                var localizer = next.Create();
                if (_modelVersion is not null)
                {
                    _logger.LogInformation("{Pretext} model switched from {Old} to {New} (sha256 {Sha256})", pretext, _modelVersion, current.Version, current.WeightsSha256);
                }
                (_localizer as IDisposable)?.Dispose();
                _localizer = localizer;
                _modelVersion = current.Version;
            }
            return _localizer!;
        }
        return _localizer ??= _options.ToSettings().Create();
    }

    public void Dispose()
    {
        _reloadSubscription.Dispose();
        (_localizer as IDisposable)?.Dispose();
        _device.Dispose();
    }

    internal static LocalizerOptions Bind(IConfiguration configuration)
    {
        var options = new LocalizerOptions();
        configuration.GetSection(LocalizerOptions.Section).Bind(options);
        return options;
    }

    private void Reload()
    {
        LocalizerOptions next;
        try
        {
            next = Bind(_configuration);
        }
        catch (InvalidOperationException e)
        {
            _logger.LogError("configuration reload ignored: {Problem}", e.Message);
            return;
        }
        var problems = next.Problems(LocalizerOptions.Section).ToList();
        if (problems.Count > 0)
        {
            _logger.LogError("configuration reload ignored, keeping the current localizer settings: {Problems}", string.Join("; ", problems));
            return;
        }
        var current = _options;
        if (next.Method != current.Method || next.ModelPath != current.ModelPath || next.Device != current.Device || next.ModelSha256 != current.ModelSha256)
        {
            _logger.LogWarning("Localizer method, model and device changes take effect at the next restart; only thresholds and margins reload");
            next.Method = current.Method;
            next.ModelPath = current.ModelPath;
            next.Device = current.Device;
            next.ModelSha256 = current.ModelSha256;
        }
        if (next.DescribeCut() == current.DescribeCut())
        {
            return;
        }
        _device.Wait();
        try
        {
            (_localizer as IDisposable)?.Dispose();
            _localizer = null;
            _modelVersion = null;
            _options = next;
        }
        finally
        {
            _device.Release();
        }
        _logger.LogInformation("localizer settings reloaded: {Old} -> {New}", current.DescribeCut(), next.DescribeCut());
    }
}
