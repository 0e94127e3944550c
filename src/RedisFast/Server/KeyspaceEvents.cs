using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace RedisFast.Server;

/// <summary>
/// Keyspace notifications (notify.c): with notify-keyspace-events enabling an event's class, the event is published
/// to <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c> (message: the event) and/or <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c>
/// (message: the key). Commands call <see cref="Notify"/> where Redis calls notifyKeyspaceEvent; with the option off
/// (the default) that is one test of a config field.
/// </summary>
internal static class KeyspaceEvents
{
    // NOTIFY_* bits (server.h), as notify-keyspace-events' characters set them.
    public const int Keyspace = 1 << 0, Keyevent = 1 << 1, Generic = 1 << 2, String = 1 << 3, List = 1 << 4, Set = 1 << 5,
        Hash = 1 << 6, Zset = 1 << 7, Expired = 1 << 8, Evicted = 1 << 9, Stream = 1 << 10, KeyMiss = 1 << 11,
        Loaded = 1 << 12, Module = 1 << 13, New = 1 << 14;

    /// <summary>notifyKeyspaceEvent: publishes <paramref name="event"/> on <paramref name="key"/> of database <paramref name="db"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Notify(RedisServer server, int type, ReadOnlySpan<byte> @event, ReadOnlySpan<byte> key, int db)
    {
        int flags = server.Config.Registry.NotifyKeyspaceEvents;
        if ((flags & type) != 0) Publish(server, flags, @event, key, db);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Publish(RedisServer server, int flags, ReadOnlySpan<byte> @event, ReadOnlySpan<byte> key, int db)
    {
        Span<byte> dbDigits = stackalloc byte[11];
        Utf8Formatter.TryFormat(db, dbDigits, out int n);
        dbDigits = dbDigits[..n];
        if ((flags & Keyspace) != 0) server.PubSub.Publish(Channel("__keyspace@"u8, dbDigits, key), @event, shard: false);
        if ((flags & Keyevent) != 0) server.PubSub.Publish(Channel("__keyevent@"u8, dbDigits, @event), key, shard: false);
    }

    private static byte[] Channel(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> db, ReadOnlySpan<byte> name) =>
        [.. prefix, .. db, .. "__:"u8, .. name];
}
