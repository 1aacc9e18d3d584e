using Orleans.Concurrency;
namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>
/// Search over one shard's users (key: the shard number, placed on that shard). Users are listed in the directory
/// table when they register; readers fan out to every shard's directory and merge.
/// </summary>
public interface IUserDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The shard's user whose whole number the query is, and those of <paramref name="among"/> whose number or name
    /// starts with it (case-insensitive), by id, at most limit; nobody for a query of fewer than
    /// <see cref="UserLimits.MinSearchQueryLength"/> characters.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<DirectoryEntry>> SearchAsync(string? query, IReadOnlyList<long> among, int limit);
}
