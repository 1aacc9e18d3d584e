using WhatsApp.Benchmarks.Deployment;

namespace WhatsApp.Benchmarks.Load;

public static class Registration
{
    /// <summary>
    /// Fresh users, registered with a few requests in flight: each registration hashes a password (deliberately costly)
    /// on a silo, so on two cores more in flight only lengthens the queue behind the shard's directory.
    /// </summary>
    public static async Task<ChatUser[]> RegisterUsersAsync(this ChatApi api, int count, string purpose)
    {
        var users = new ChatUser[count];
        await Bulk.RunAsync($"registering {count} users ({purpose})", count, inFlight: 8, async index => users[index] = await api.RegisterAsync());
        return users;
    }
}
