using System.Text;

namespace RedisFast.Persistence;

/// <summary>Kind of a file listed in the manifest (aof.c: AOF_FILE_TYPE_BASE 'b', _HIST 'h', _INCR 'i').</summary>
internal enum AofFileType : byte
{
    Base = (byte)'b',
    History = (byte)'h',
    Incr = (byte)'i',
}

/// <summary>One manifest line: <c>file NAME seq N type b|h|i</c>.</summary>
internal sealed record AofFileInfo(string Name, long Seq, AofFileType Type);

/// <summary>
/// Redis 7.0's multi-part AOF manifest (aof.c aofLoadManifestFromFile / getAofManifestAsString): the base file,
/// the incr files in order, and history files awaiting deletion. Written to a temp file, fsynced, renamed over
/// the manifest, then the directory is fsynced, so a crash leaves either the old manifest or the new one.
/// </summary>
internal sealed class AofManifest
{
    public AofFileInfo? Base { get; set; }

    public List<AofFileInfo> Incrs { get; } = [];

    public List<AofFileInfo> History { get; } = [];

    public long CurrentBaseSeq { get; set; }

    public long CurrentIncrSeq { get; set; }

    /// <summary>A copy with the same files (the lists are new; the entries are immutable records).</summary>
    public AofManifest Copy()
    {
        var copy = new AofManifest { Base = Base, CurrentBaseSeq = CurrentBaseSeq, CurrentIncrSeq = CurrentIncrSeq };
        copy.Incrs.AddRange(Incrs);
        copy.History.AddRange(History);
        return copy;
    }

    /// <summary>
    /// What a rewrite that produced a new base turns into history, in Redis's order (aof.c
    /// getNewBaseFileNameAndMarkPreAsHistory, then markRewrittenIncrAofAsHistory, each putting files at the front):
    /// the old incr files but <paramref name="keptIncr"/> (the one still written), the old base, then the older
    /// history. With aof-disable-auto-gc they stay listed and on disk; otherwise they are deleted.
    /// </summary>
    public List<AofFileInfo> HistoryAfterRewrite(string? keptIncr)
    {
        var history = new List<AofFileInfo>();
        foreach (AofFileInfo f in Incrs)
        {
            if (f.Name != keptIncr) history.Add(f with { Type = AofFileType.History });
        }
        if (Base is not null) history.Add(Base with { Type = AofFileType.History });
        history.AddRange(History);
        return history;
    }

    /// <summary>Manifest file name for <paramref name="appendFilename"/> (appendonly.aof.manifest).</summary>
    public static string ManifestName(string appendFilename) => appendFilename + ".manifest";

    /// <summary>appendonly.aof.N.base.rdb with aof-use-rdb-preamble yes, else appendonly.aof.N.base.aof.</summary>
    public static string BaseName(string appendFilename, long seq, bool rdb) => $"{appendFilename}.{seq}.base.{(rdb ? "rdb" : "aof")}";

    /// <summary>appendonly.aof.N.incr.aof</summary>
    public static string IncrName(string appendFilename, long seq) => $"{appendFilename}.{seq}.incr.aof";

    /// <summary>The manifest text, base first, then history, then incr files in order (as Redis writes it).</summary>
    public string Format()
    {
        var text = new StringBuilder();
        if (Base is not null) Line(text, Base);
        foreach (AofFileInfo h in History) Line(text, h);
        foreach (AofFileInfo i in Incrs) Line(text, i);
        return text.ToString();
    }

    private static void Line(StringBuilder text, AofFileInfo file) =>
        text.Append("file ").Append(file.Name).Append(" seq ").Append(file.Seq).Append(" type ").Append((char)file.Type).Append('\n');

    /// <summary>Parses manifest text; throws <see cref="AofLoadException"/> with Redis's wording on a malformed line.</summary>
    public static AofManifest Parse(string text)
    {
        var manifest = new AofManifest();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith('#')) continue;
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length % 2 != 0) throw new AofLoadException("Invalid AOF manifest file format");
            string? name = null;
            long seq = 0;
            char type = '\0';
            for (int i = 0; i < parts.Length; i += 2)
            {
                switch (parts[i])
                {
                    case "file": name = parts[i + 1]; break;
                    case "seq": seq = long.Parse(parts[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "type": type = parts[i + 1].Length == 1 ? parts[i + 1][0] : '\0'; break;
                }
            }
            if (name is null || seq == 0 || type is not ('b' or 'h' or 'i'))
                throw new AofLoadException("Invalid AOF manifest file format");
            var info = new AofFileInfo(name, seq, (AofFileType)type);
            switch (info.Type)
            {
                case AofFileType.Base:
                    if (manifest.Base is not null) throw new AofLoadException("Found duplicate base file information");
                    manifest.Base = info;
                    manifest.CurrentBaseSeq = seq;
                    break;
                case AofFileType.History:
                    manifest.History.Add(info);
                    break;
                default:
                    if (seq <= manifest.CurrentIncrSeq) throw new AofLoadException("Found a non-monotonic sequence number");
                    manifest.Incrs.Add(info);
                    manifest.CurrentIncrSeq = seq;
                    break;
            }
        }
        return manifest;
    }

    /// <summary>Writes the manifest atomically: temp file, fsync, rename, directory fsync (aof.c writeAofManifestFile).</summary>
    public void Write(string directory, string appendFilename)
    {
        string path = Path.Combine(directory, ManifestName(appendFilename));
        string temp = Path.Combine(directory, "temp-" + ManifestName(appendFilename));
        try
        {
            NativeFile.WriteAllSynced(temp, Encoding.UTF8.GetBytes(Format()));
        }
        catch (IOException)
        {
            // A full disk: leave no half-written temp manifest behind (the old manifest stays in force).
            File.Delete(temp);
            throw;
        }
        File.Move(temp, path, overwrite: true);
        NativeFile.SyncDirectory(directory);
    }
}

/// <summary>The AOF could not be loaded; the message is what Redis logs before exiting with status 1.</summary>
public sealed class AofLoadException(string message) : Exception(message);
