using WhatsApp.Grains.Abstractions.Groups;

namespace WhatsApp.Grains.Groups;

/// <summary>The persisted state of a group: its name and members in the order they joined. No name: no group has this id.</summary>
[GenerateSerializer, Alias("whatsapp.GroupState")]
public sealed class GroupState
{
    [Id(0)] public string? Name { get; set; }

    [Id(1)] public long CreatedBy { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public List<GroupMember> Members { get; set; } = [];
}
