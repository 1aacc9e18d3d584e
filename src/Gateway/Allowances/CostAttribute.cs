namespace WhatsApp.Gateway.Allowances;

/// <summary>
/// What a REST route or hub method costs against the user's allowance when it costs more than a read: on a hub method
/// as an attribute, on an endpoint through <see cref="AllowanceExtensions.WithCost{TBuilder}"/>; always one of
/// <see cref="Costs"/>, so REST and the hub price the same work alike.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CostAttribute(int cost) : Attribute
{
    public int Cost { get; } = cost;
}

/// <summary>What each kind of request costs: more for what fans out to many grains, members or shards.</summary>
public static class Costs
{
    /// <summary>A read, a send, a mark, typing: one grain call.</summary>
    public const int Plain = 1;

    /// <summary>An edit, a delete, a reaction: the message is told again to everyone who has it.</summary>
    public const int MessageAction = 2;

    /// <summary>A search (every shard), a message's path (every silo), a change of the group or of who reaches you.</summary>
    public const int Wide = 5;

    /// <summary>Adding members: each is checked and told.</summary>
    public const int MemberAddition = 10;

    /// <summary>Creating a group: a new group, its conversation and every member told.</summary>
    public const int GroupCreation = 20;
}
