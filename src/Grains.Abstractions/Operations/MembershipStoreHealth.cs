namespace WhatsApp.Grains.Abstractions.Operations;

/// <summary>What the gateway's and each silo's health say while the membership store cannot be read.</summary>
public static class MembershipStoreHealth
{
    public const string Away =
        "The membership store (Redis) does not answer: the cluster serves with the silos it knows, and no silo can join or leave until it is back.";
}
