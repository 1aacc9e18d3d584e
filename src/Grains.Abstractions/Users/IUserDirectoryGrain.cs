using Orleans.Concurrency;
namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>
/// The users of one shard (key: the shard number, placed on that shard). Readers fan out to every shard's
/// directory and merge, so no single grain holds every user.
/// </summary>
public interface IUserDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Lists a newly registered user.</summary>
    Task AddAsync(DirectoryEntry entry);

    /// <summary>Users whose id starts with, or whose name contains, the query (case-insensitive), by id, at most limit.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<DirectoryEntry>> SearchAsync(string? query, int limit);
}
