using System.Net;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Allowances;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Auth;

/// <summary>
/// Slows down password guessing without letting a guesser lock the owner out: failures count for an account from one
/// client address (<see cref="ClientAddress"/>: IPv6 by /64), for an address whatever the accounts, and for an account
/// from everywhere together, with a ceiling far above what a person types, against guessing spread over many addresses.
/// So the owner, from their own address, signs in with the right password while a guesser elsewhere waits. A successful
/// login clears the account's keys (not the address's: one known password must not buy an address fresh guesses at
/// other accounts). Unknown ids are counted like real ones, so the throttle does not tell which numbers exist either.
/// The counts live in the cluster (<see cref="ISignInGuardGrain"/>), so every gateway shares them.
/// </summary>
public sealed class SignInThrottle(ChatCluster cluster, IOptions<ShardOptions> shards)
{
    /// <summary>How long the caller must wait before trying this account from this address again; null when it may try now.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(IPAddress? address, long userId, CancellationToken cancellationToken)
    {
        var waits = await Task.WhenAll(Guarded(address, userId).Select(guard =>
            cluster.RetryAsync(grains => grains.GetGrain<ISignInGuardGrain>(guard.Shard).RetryAfterAsync(guard.Keys), cancellationToken)));
        return waits.Max();
    }

    public Task RecordFailureAsync(IPAddress? address, long userId, CancellationToken cancellationToken) =>
        Task.WhenAll(Guarded(address, userId).Select(guard => cluster.RetryAsync(async grains =>
        {
            await grains.GetGrain<ISignInGuardGrain>(guard.Shard).RecordFailureAsync(guard.Keys);
            return true;
        }, cancellationToken)));

    /// <summary>Clears the account's counts, from this address and from everywhere; the address's stay.</summary>
    public Task RecordSuccessAsync(IPAddress? address, long userId, CancellationToken cancellationToken) =>
        cluster.RetryAsync(async grains =>
        {
            await grains.GetGrain<ISignInGuardGrain>(AccountShard(userId)).ForgetAsync(AccountKeys(address, userId));
            return true;
        }, cancellationToken);

    /// <summary>The keys of a sign-in, by the shard whose guard counts them: the account's, and the address's.</summary>
    private IEnumerable<(int Shard, SignInKey[] Keys)> Guarded(IPAddress? address, long userId)
    {
        var addressKey = new SignInKey(SignInKeyKind.Address, ClientAddress.KeyOf(address));
        var accountShard = AccountShard(userId);
        var addressShard = (int)(StableHash(addressKey.Name) % (uint)shards.Value.Count);
        return accountShard == addressShard
            ? [(accountShard, [.. AccountKeys(address, userId), addressKey])]
            : [(accountShard, AccountKeys(address, userId)), (addressShard, [addressKey])];
    }

    // An id nobody can hold still counts somewhere, like any unknown one.
    private int AccountShard(long userId) => UserIds.IsValid(userId) ? Shards.Of(userId, shards.Value.Count) : 0;

    private static SignInKey[] AccountKeys(IPAddress? address, long userId) =>
    [
        new(SignInKeyKind.AccountFromAddress, $"{userId}@{ClientAddress.KeyOf(address)}"),
        new(SignInKeyKind.Account, userId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>FNV-1a: the same on every gateway, unlike string.GetHashCode, so each address has one guard.</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var character in text)
        {
            hash = (hash ^ character) * 16777619u;
        }

        return hash;
    }
}
