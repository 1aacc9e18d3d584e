namespace WhatsApp.Gateway.Auth;

/// <summary>Whose hash waits for a turn: a sign-in goes before any waiting registration.</summary>
public enum HashTurn
{
    SignIn,
    Registration,
}

/// <summary>Too many password hashes wait for a turn already: the request is refused at once (503), not queued.</summary>
public sealed class HashQueueFullException() : Exception("Too many sign-ins and registrations are waiting; try again in a moment.");

/// <summary>
/// Turns at the password hash: a bounded number run at once, a bounded number wait, and a waiting sign-in goes before
/// every waiting registration. Registrations may fill only half the waiting places, so a flood of them always leaves
/// room for people signing in.
/// </summary>
public sealed class HashQueue(int concurrent, int maxWaiting)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _signIns = new();
    private readonly Queue<TaskCompletionSource> _registrations = new();
    private int _free = concurrent;

    /// <summary>Completes when the caller has a turn, which it must end with <see cref="Leave"/>.</summary>
    public async Task EnterAsync(HashTurn turn, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiting;
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return;
            }

            var full = turn == HashTurn.SignIn
                ? _signIns.Count + _registrations.Count >= maxWaiting
                : _registrations.Count >= maxWaiting / 2 || _signIns.Count + _registrations.Count >= maxWaiting;
            if (full)
            {
                throw new HashQueueFullException();
            }

            waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (turn == HashTurn.SignIn ? _signIns : _registrations).Enqueue(waiting);
        }

        // A wait cancelled before its turn came is skipped by Leave; once the turn is handed over, it is the caller's.
        using (cancellationToken.Register(() => waiting.TrySetCanceled(cancellationToken)))
        {
            await waiting.Task;
        }
    }

    /// <summary>Hands the turn to the first waiting sign-in, else the first waiting registration, else frees it.</summary>
    public void Leave()
    {
        lock (_gate)
        {
            while (_signIns.TryDequeue(out var next) || _registrations.TryDequeue(out next))
            {
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _free++;
        }
    }
}
