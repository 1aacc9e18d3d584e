using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WhatsApp.Gateway.Allowances;

/// <summary>
/// What a client address may try before anyone has signed in: registrations and sign-ins, each a bucket per address
/// (<see cref="ClientAddress"/>), so one address cannot spend the gateway's password hashing on a flood of either.
/// Failed sign-ins are slowed down further by the sign-in throttle.
/// </summary>
public sealed class SignInAllowance : IDisposable
{
    private readonly PartitionedRateLimiter<string> _registrations;
    private readonly PartitionedRateLimiter<string> _signIns;

    public SignInAllowance(IOptions<AllowanceOptions> options)
    {
        var allowance = options.Value;
        _registrations = PerAddress(allowance.RegistrationBurstPerAddress, allowance.RegistrationsPerMinutePerAddress);
        _signIns = PerAddress(allowance.SignInBurstPerAddress, allowance.SignInsPerMinutePerAddress);
        RegistrationRefusal = ($"Too many registrations from your address: at most {allowance.RegistrationsPerMinutePerAddress} a minute (bursts of {allowance.RegistrationBurstPerAddress}).", OneTokenOf(allowance.RegistrationsPerMinutePerAddress));
        SignInRefusal = ($"Too many sign-ins from your address: at most {allowance.SignInsPerMinutePerAddress} a minute (bursts of {allowance.SignInBurstPerAddress}).", OneTokenOf(allowance.SignInsPerMinutePerAddress));
    }

    /// <summary>What a refused registration is told, and when one more is allowed at the latest.</summary>
    public (string Detail, TimeSpan RetryAfter) RegistrationRefusal { get; }

    /// <summary>What a refused sign-in is told, and when one more is allowed at the latest.</summary>
    public (string Detail, TimeSpan RetryAfter) SignInRefusal { get; }

    public bool TryRegister(IPAddress? address) => _registrations.TryTake(ClientAddress.KeyOf(address));

    public bool TrySignIn(IPAddress? address) => _signIns.TryTake(ClientAddress.KeyOf(address));

    public void Dispose()
    {
        _registrations.Dispose();
        _signIns.Dispose();
    }

    private static TimeSpan OneTokenOf(int perMinute) => TimeSpan.FromMinutes(1) / perMinute;

    private static PartitionedRateLimiter<string> PerAddress(int burst, int perMinute) =>
        TokenBuckets.PerKey<string>(() => TokenBuckets.Of(burst, tokensPerPeriod: 1, OneTokenOf(perMinute)));
}
