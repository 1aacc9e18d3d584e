using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WhatsApp.Gateway.Allowances;

/// <summary>
/// Each signed-in user's one allowance across every authenticated REST route and hub method, spent by cost: a token
/// bucket per user, refilled every second. Sends also take from the send allowance; this one bounds everything else
/// too (lookups, group changes, message actions, typing), so no route is free to repeat.
/// </summary>
public sealed class UserAllowance(IOptions<AllowanceOptions> options) : IDisposable
{
    /// <summary>How often a user's bucket gets its tokens back: after a refusal, the wait before one more request.</summary>
    public static readonly TimeSpan RefillPeriod = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<long> _perUser = TokenBuckets.PerKey<long>(() =>
        TokenBuckets.Of(options.Value.CostBurstPerUser, options.Value.CostPerSecondPerUser, RefillPeriod));

    /// <summary>Takes <paramref name="cost"/> from the user's bucket; false (and nothing taken) when it holds less.</summary>
    public bool TryTake(long userId, int cost) => _perUser.TryTake(userId, cost);

    /// <summary>Why a request was refused, for the 429 or the hub error.</summary>
    public string Refusal => $"Too many requests from your account: at most {options.Value.CostPerSecondPerUser} a second (bursts of {options.Value.CostBurstPerUser}), where some cost more than one. Nothing was done; try again in a moment.";

    public void Dispose() => _perUser.Dispose();
}
