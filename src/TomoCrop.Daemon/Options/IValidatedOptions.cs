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
