namespace RedisFast.Tests.Infrastructure;

/// <summary>Helpers for tests with a client parked in a blocking command (BLPOP, BZPOPMIN, ...).</summary>
public static class BlockingClients
{
    /// <summary>Waits (10 s at most) until CLIENT LIST shows client <paramref name="id"/> with the blocked flag.</summary>
    public static void WaitUntilBlocked(RawClient observer, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!observer.Call("CLIENT", "LIST", "ID", id).Contains(" flags=b ", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"client {id} did not block");
            Thread.Sleep(5);
        }
    }

    /// <summary>The connection's CLIENT ID.</summary>
    public static string IdOf(RawClient client) => client.Call("CLIENT", "ID")[1..^2];

    /// <summary>Sends a blocking command from <paramref name="client"/> and waits until the server has parked it.</summary>
    public static string Block(RawClient client, RawClient observer, params string[] command)
    {
        string id = IdOf(client);
        client.Send(RawClient.Encode(command));
        WaitUntilBlocked(observer, id);
        return id;
    }

    /// <summary>A RESP bulk string.</summary>
    public static string Bulk(string s) => $"${s.Length}\r\n{s}\r\n";
}
