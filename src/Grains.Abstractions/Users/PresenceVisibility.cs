namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>Who sees a user's online status and last seen, as WhatsApp's privacy setting "Last seen and online".</summary>
public enum PresenceVisibility
{
    /// <summary>The people the user has written to (not merely people who wrote to them): the default.</summary>
    Contacts,

    /// <summary>Anyone signed in who looks the user up (but no one they blocked).</summary>
    Everyone,

    /// <summary>Nobody: the user's profile shows no presence to anyone else.</summary>
    Nobody,
}
