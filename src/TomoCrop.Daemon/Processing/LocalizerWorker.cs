using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using TomoCrop.Daemon.Options;
using TomoCrop.Localization;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Processing;

/// <summary>
/// The one model worker per device: localizations run one at a time on it. Thresholds and margins follow the
/// configuration file when it changes (the change is logged; an invalid change is logged and ignored).
/// </summary>
public sealed class LocalizerWorker : IDisposable
{
    private readonly SemaphoreSlim _device = new(1, 1);
    private readonly IConfiguration _configuration;
    private readonly ILogger<LocalizerWorker> _logger;
    private readonly IDisposable _reloadSubscription;
    private LocalizerOptions _options;
    private ILocalizer? _localizer;

    public LocalizerWorker(IConfiguration configuration, ILogger<LocalizerWorker> logger)
    {
        _configuration = configuration;
        _logger = logger;
        _options = Bind(configuration);
        _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public LocalizerOptions Options => _options;

    /// <summary>Loads the model now (start-up check): throws a ModelException naming the file when it cannot.</summary>
    public ILocalizer Load()
    {
        _device.Wait();
        try
        {
            return _localizer ??= _options.ToSettings().Create();
        }
        finally
        {
            _device.Release();
        }
    }

    public async Task<LocalizationResult> LocalizeAsync(IVolumeReader volume, CancellationToken cancellationToken)
    {
        await _device.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _localizer ??= _options.ToSettings().Create();
            return _localizer.Localize(volume, cancellationToken);
        }
        finally
        {
            _device.Release();
        }
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
            _options = next;
        }
        finally
        {
            _device.Release();
        }
        _logger.LogInformation("localizer settings reloaded: {Old} -> {New}", current.DescribeCut(), next.DescribeCut());
    }
}
