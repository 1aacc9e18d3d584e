using Microsoft.Extensions.Options;

namespace WhatsApp.Grains.Abstractions.Ids;

/// <summary>Configuration section "Shard": how many shards the cluster has and which one a silo owns.</summary>
public sealed class ShardOptions
{
    public const string SectionName = "Shard";

    /// <summary>The number of shards, N in shard(key) = key mod N (Shard__Count).</summary>
    public int Count { get; set; } = Shards.DefaultCount;

    /// <summary>The shard this silo owns, 0..Count-1 (Shard__Index). Only silos read it.</summary>
    public int Index { get; set; }

    /// <summary>How often a grain that lives away from home (its owner was down) checks whether the owner is back.</summary>
    public TimeSpan ReturnHomeInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>The shard settings' rules, for the gateway (which reads only the count) and the silos alike.</summary>
public sealed class ShardOptionsValidator : IValidateOptions<ShardOptions>
{
    public ValidateOptionsResult Validate(string? name, ShardOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.Count < 1)
        {
            result.AddError($"Shard:Count must be at least 1 (got {options.Count}).");
        }
        else if (options.Index < 0 || options.Index >= options.Count)
        {
            result.AddError($"Shard:Index must be 0 to {options.Count - 1} (got {options.Index}).");
        }

        if (options.ReturnHomeInterval <= TimeSpan.Zero)
        {
            result.AddError("Shard:ReturnHomeInterval must be more than zero.");
        }

        return result.Build();
    }
}
