using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace WhatsApp.Telemetry.Hosting;

/// <summary>
/// The one way a host registers its settings: each options type bound to its section and checked by its own
/// <see cref="IValidateOptions{TOptions}"/> when the host starts, so a wrong setting stops the host with a message that
/// names the key, before it serves anyone.
/// </summary>
public static class ValidatedOptions
{
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string sectionName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
    }

    /// <summary>Success when every rule holds; otherwise a failure with the message of each rule that does not.</summary>
    public static ValidateOptionsResult Check(params ReadOnlySpan<(bool Holds, string Failure)> rules)
    {
        var result = new ValidateOptionsResultBuilder();
        foreach (var (holds, failure) in rules)
        {
            if (!holds)
            {
                result.AddError(failure);
            }
        }

        return result.Build();
    }
}
