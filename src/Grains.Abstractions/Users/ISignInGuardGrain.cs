namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>
/// Counts failed sign-ins for the keys of one shard (key: the shard number, placed on that shard): every gateway asks
/// the same grain, so a deployment of many gateways gives a guesser no more tries than one. An account's keys live on
/// the account's shard, an address's on a shard its name hashes to. The counts are kept in memory for as long as the
/// longest wait: a silo that dies forgets its shard's, as if the guesser had waited.
/// </summary>
public interface ISignInGuardGrain : IGrainWithIntegerKey
{
    /// <summary>How long a sign-in under these keys must wait; null when it may go ahead.</summary>
    Task<TimeSpan?> RetryAfterAsync(IReadOnlyList<SignInKey> keys);

    /// <summary>Counts a failure under each key; beyond a key's free failures, each one doubles its wait.</summary>
    Task RecordFailureAsync(IReadOnlyList<SignInKey> keys);

    /// <summary>Forgets the keys' failures (after a successful sign-in, for the account's keys).</summary>
    Task ForgetAsync(IReadOnlyList<SignInKey> keys);
}

/// <summary>What a sign-in key counts, which decides how many failures it has for free.</summary>
public enum SignInKeyKind
{
    /// <summary>One account from one client address.</summary>
    AccountFromAddress,

    /// <summary>One client address, whatever the accounts.</summary>
    Address,

    /// <summary>One account from every address together.</summary>
    Account,
}

/// <summary>A key failed sign-ins count under: its kind and its name (an account id, a client address, or both).</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.SignInKey")]
public sealed record SignInKey([property: Id(0)] SignInKeyKind Kind, [property: Id(1)] string Name);
