using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>String commands (Redis's t_string.c).</summary>
internal static class StringCommands
{
    public static void Register(CommandLookup t)
    {
        t.Add("get", 2, ReadOnly | Fast, 1, 1, 1, Get, "string");
        t.Add("set", -3, Write | DenyOom, 1, 1, 1, Set, "string");
    }

    /// <summary>GET key</summary>
    public static void Get(Client c)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        ref KeyEntry e = ref db.Table[index];
        if (e.Kind == ValueKind.StringInt) c.Reply.WriteBulk(e.Number);
        else if (Database.IsString(e.Kind)) c.Reply.WriteBulk(new ReadOnlySpan<byte>((byte[])e.Value!, 0, e.Length));
        else c.Reply.WriteError(Errors.WrongType);
    }

    /// <summary>SET key value</summary>
    public static void Set(Client c)
    {
        Database db = c.Db;
        int index = db.LookupOrAdd(c.Args[1], out _);
        db.SetString(index, c.Args[2], keepTtl: false);
        c.Reply.WriteOk();
    }
}
