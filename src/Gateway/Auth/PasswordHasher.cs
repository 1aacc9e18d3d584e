using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Auth;

/// <summary>
/// Derives and checks password hashes in the gateway. A hash costs a fifth of a second of CPU on purpose; run in the user
/// grain it would hold the grain's turn (the victim's own sends wait behind every guess) and burn the silo's CPU, while
/// here it runs on the gateway's thread pool, a bounded number at a time, behind the sign-in throttle. The grain only
/// hands out and stores hashes. The queue for a turn is bounded too (<see cref="HashQueue"/>), and sign-ins go first.
/// </summary>
public sealed class PasswordHasher
{
    private readonly int _iterations;
    private readonly HashQueue _queue;
    private readonly GatewayMetrics _metrics;

    // Checked when the id has no account, so that an unknown id costs exactly what a wrong password does and the time of
    // the answer does not tell which numbers are registered.
    private readonly PasswordHash _decoy;

    public PasswordHasher(IOptions<PasswordOptions> options, GatewayMetrics metrics)
    {
        _metrics = metrics;
        _iterations = options.Value.Iterations;
        _queue = new HashQueue(options.Value.MaxConcurrentHashes, options.Value.MaxQueuedHashes);
        _decoy = PasswordHash.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)), _iterations);
    }

    /// <summary>A new hash of the password at the configured cost; throws <see cref="HashQueueFullException"/> when too many wait.</summary>
    public Task<PasswordHash> HashAsync(string password, HashTurn turn, CancellationToken cancellationToken) =>
        RunAsync(turn, () =>
        {
            _metrics.PasswordHashed(_iterations);
            return PasswordHash.Create(password, _iterations);
        }, cancellationToken);

    /// <summary>Whether the password is the stored one's; with nothing stored, spends the same time and answers no.</summary>
    public Task<bool> VerifyAsync(string password, PasswordHash? stored, CancellationToken cancellationToken) =>
        RunAsync(HashTurn.SignIn, () => stored is null ? MatchesNoAccount(password) : Matches(stored, password), cancellationToken);

    /// <summary>Whether a stored hash is cheaper than the configured cost and should be replaced after a successful sign-in.</summary>
    public bool NeedsUpgrade(PasswordHash stored) => stored.IsWeakerThan(_iterations);

    private bool MatchesNoAccount(string password)
    {
        _ = Matches(_decoy, password);
        return false;
    }

    private bool Matches(PasswordHash stored, string password)
    {
        _metrics.PasswordHashed(stored.Iterations);
        return stored.Matches(password);
    }

    private async Task<T> RunAsync<T>(HashTurn turn, Func<T> hash, CancellationToken cancellationToken)
    {
        await _queue.EnterAsync(turn, cancellationToken);
        try
        {
            return hash();
        }
        finally
        {
            _queue.Leave();
        }
    }
}
