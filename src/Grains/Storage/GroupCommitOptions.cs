using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Grains.Storage;

/// <summary>Configuration section "GroupCommit": how a silo's message writer groups appends into transactions.</summary>
public sealed class GroupCommitOptions
{
    public const string SectionName = "GroupCommit";

    /// <summary>
    /// At most this many rows (messages, chat-list rows, marks) go into one transaction. Appends that arrive while the
    /// previous commits run wait for the next one, so under load batches grow by themselves up to this bound.
    /// </summary>
    public int MaxRowsPerCommit { get; set; } = 1024;

    /// <summary>
    /// Transactions in flight at once. One more than one lets a batch form and be sent while the previous one waits
    /// for its fsync; many more would only split the same load into smaller batches.
    /// </summary>
    public int MaxConcurrentCommits { get; set; } = 2;
}

public sealed class GroupCommitOptionsValidator : IValidateOptions<GroupCommitOptions>
{
    public ValidateOptionsResult Validate(string? name, GroupCommitOptions options) => ValidatedOptions.Check(
        (options.MaxRowsPerCommit >= 1, $"{GroupCommitOptions.SectionName}:MaxRowsPerCommit must be at least 1."),
        (options.MaxConcurrentCommits >= 1, $"{GroupCommitOptions.SectionName}:MaxConcurrentCommits must be at least 1."));
}
