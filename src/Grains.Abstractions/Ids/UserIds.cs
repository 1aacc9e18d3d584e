namespace WhatsApp.Grains.Abstractions.Ids;

/// <summary>User and group ids are positive numbers of at most 15 digits, like E.164 phone numbers.</summary>
public static class UserIds
{
    public const long MaxValue = 999_999_999_999_999;

    public static bool IsValid(long id) => id is > 0 and <= MaxValue;
}
