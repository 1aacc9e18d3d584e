using Orleans.Placement;

namespace WhatsApp.Grains.Placement;

/// <summary>Places a grain on the silo that owns its key's shard (see <see cref="ShardPlacementDirector"/>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("whatsapp.ShardPlacementStrategy")]
public sealed class ShardPlacementStrategy : PlacementStrategy;

/// <summary>Marks a grain class as living on the shard of its key.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute() : PlacementAttribute(new ShardPlacementStrategy());
