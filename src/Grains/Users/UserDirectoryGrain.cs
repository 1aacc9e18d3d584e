using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Users;

/// <summary>Searches one shard's users in the directory table. Stateless: each call is one indexed query.</summary>
[GrainType(GrainTypes.UserDirectory)]
[ShardPlacement]
public sealed class UserDirectoryGrain(UserDirectoryStore directory, ShardMap shardMap) : ShardedGrain(shardMap), IUserDirectoryGrain
{
    public Task<IReadOnlyList<DirectoryEntry>> SearchAsync(string? query, int limit) =>
        limit < 1 || UserLimits.NormalizeSearchQuery(query) is not { IsSuccess: true, Value: var prefix }
            ? Task.FromResult<IReadOnlyList<DirectoryEntry>>([])
            : directory.SearchAsync((int)this.GetPrimaryKeyLong(), ShardMap.ShardCount, prefix, limit);
}
