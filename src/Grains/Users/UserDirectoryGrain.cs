using System.Globalization;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Users;

/// <summary>The persisted list of one shard's users.</summary>
[GenerateSerializer, Alias("whatsapp.UserDirectoryState")]
public sealed class UserDirectoryState
{
    [Id(0)] public Dictionary<long, string> DisplayNames { get; set; } = [];
}

[GrainType(GrainTypes.UserDirectory)]
[ShardPlacement]
public sealed class UserDirectoryGrain(
    [PersistentState("directory", StorageNames.Chat)] IPersistentState<UserDirectoryState> directory,
    ShardMap shardMap) : ShardedGrain(shardMap), IUserDirectoryGrain
{
    public async Task AddAsync(DirectoryEntry entry)
    {
        if (directory.State.DisplayNames.TryGetValue(entry.UserId, out var known) && known == entry.DisplayName)
        {
            return;
        }

        directory.State.DisplayNames[entry.UserId] = entry.DisplayName;
        await WriteStateOrReloadAsync(directory);
    }

    public Task<IReadOnlyList<DirectoryEntry>> SearchAsync(string? query, int limit)
    {
        var text = query?.Trim() ?? string.Empty;
        IReadOnlyList<DirectoryEntry> matches = [.. directory.State.DisplayNames
            .Where(user => text.Length == 0
                || user.Key.ToString(CultureInfo.InvariantCulture).StartsWith(text, StringComparison.Ordinal)
                || user.Value.Contains(text, StringComparison.OrdinalIgnoreCase))
            .OrderBy(user => user.Key)
            .Take(Math.Max(0, limit))
            .Select(user => new DirectoryEntry(user.Key, user.Value))];
        return Task.FromResult(matches);
    }
}
