using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Users;

/// <summary>Searches one shard's users in its database's directory table. Stateless: each call is one query.</summary>
[GrainType(GrainTypes.UserDirectory)]
[ShardPlacement]
public sealed class UserDirectoryGrain(UserDirectoryStore directory, ShardMap shardMap) : ShardedGrain(shardMap), IUserDirectoryGrain
{
    public Task<IReadOnlyList<DirectoryEntry>> SearchAsync(string? query, IReadOnlyList<long> among, int limit)
    {
        var shard = this.GetPrimaryKeyLong();
        return limit < 1 || shard < 0 || shard >= ShardMap.ShardCount || UserLimits.NormalizeSearchQuery(query) is not { IsSuccess: true, Value: var prefix }
            ? Task.FromResult<IReadOnlyList<DirectoryEntry>>([])
            : directory.SearchAsync((int)shard, prefix, among, limit);
    }
}
