namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>Who may put a user straight into a group, as WhatsApp's privacy setting "Groups"; anyone else invites them.</summary>
public enum WhoMayAddToGroups
{
    /// <summary>Anyone the user has not blocked: the default, as in WhatsApp.</summary>
    Everyone,

    /// <summary>The people the user has written to; others send an invitation the user may accept.</summary>
    Contacts,
}

/// <summary>What a user says to being added to a group by someone.</summary>
public enum GroupAddAnswer
{
    /// <summary>Add them.</summary>
    Accepted,

    /// <summary>Invite them instead: they join when they accept.</summary>
    InvitationNeeded,

    /// <summary>They blocked the one adding them: neither add nor invite.</summary>
    Blocked,
}
