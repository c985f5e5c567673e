using Microsoft.Extensions.Options;

namespace TomoCrop.Daemon.Options;

/// <summary>An options class that can list what is wrong with it, each problem as "Section:Key: what is wrong".</summary>
public interface IValidatedOptions
{
    IEnumerable<string> Problems(string section);
}

/// <summary>Runs <see cref="IValidatedOptions.Problems"/> at start (ValidateOnStart) and on every reload.</summary>
internal sealed class ProblemsValidator<T>(string section) : IValidateOptions<T>
    where T : class, IValidatedOptions
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = options.Problems(section).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>The common check of a numeric setting, worded the same way for every key.</summary>
internal static class OptionRange
{
    /// <summary>"Section:Key: must be within min–max, not value", or null when the value is within (NaN never is).</summary>
    public static string? Check<T>(string section, string key, T value, T min, T max)
        where T : System.Numerics.INumber<T> =>
        value >= min && value <= max
            ? null
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{section}:{key}: must be within {min}–{max}, not {value}");

    /// <summary>The problems among <paramref name="checks"/> (nulls are passes).</summary>
    public static IEnumerable<string> Problems(params string?[] checks) => checks.OfType<string>();
}
