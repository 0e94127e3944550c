using System.Diagnostics;
using System.Text;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Persistence;

/// <summary>Outcome of scanning one AOF file (aof.c AOF_OK / AOF_TRUNCATED).</summary>
internal readonly record struct AofScan(bool Truncated, long ValidLength, List<(int Start, int Length)> Commands);

/// <summary>
/// Start-up replay (aof.c loadAppendOnlyFiles / loadSingleAppendOnlyFile): the base file, then each incr file in
/// manifest order, every command run through a detached client (no socket, no propagation: the AOF is not open yet),
/// SELECT honoured, a new client per file. Annotations ("#TS:...") are skipped, MULTI/EXEC markers dropped (loading
/// is single-threaded, so a block is atomic anyway). A torn tail of the last file (a crash mid-write) is cut back
/// to the last whole command, or to before an unfinished MULTI, when aof-load-truncated is yes; otherwise loading
/// fails with Redis's message. A torn tail in any other file, a malformed file or an unknown command fails.
/// </summary>
internal static class AofLoader
{
    private const string FixHint = "make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>";

    /// <summary>
    /// Validates the commands of <paramref name="data"/>: returns each command's byte range (annotations and MULTI/EXEC
    /// excluded) and, when the data ends mid-command or inside MULTI, where the whole part ends.
    /// </summary>
    /// <exception cref="AofLoadException">The data is not a sequence of RESP multibulk commands.</exception>
    public static AofScan Scan(ReadOnlySpan<byte> data, string fileName)
    {
        var commands = new List<(int, int)>();
        int pos = 0;
        int multiStart = -1, multiCommands = 0;
        while (pos < data.Length)
        {
            int start = pos;
            if (data[pos] == (byte)'#')
            {
                // An annotation line (aof.c: lines starting with '#' are skipped).
                int nl = data[pos..].IndexOf((byte)'\n');
                if (nl < 0) return Truncated(commands, multiStart, multiCommands, start);
                pos += nl + 1;
                continue;
            }
            if (data[pos] != (byte)'*') throw BadFormat(fileName);
            if (!TryReadNumber(data, ref pos, out long argc, out bool bad)) return bad ? throw BadFormat(fileName) : Truncated(commands, multiStart, multiCommands, start);
            if (argc < 1) throw BadFormat(fileName);
            int nameStart = -1, nameLength = 0;
            for (long i = 0; i < argc; i++)
            {
                if (pos >= data.Length) return Truncated(commands, multiStart, multiCommands, start);
                if (data[pos] != (byte)'$') throw BadFormat(fileName);
                if (!TryReadNumber(data, ref pos, out long len, out bad)) return bad ? throw BadFormat(fileName) : Truncated(commands, multiStart, multiCommands, start);
                if (len < 0) throw BadFormat(fileName);
                if (data.Length - pos < len + 2) return Truncated(commands, multiStart, multiCommands, start);
                if (i == 0)
                {
                    nameStart = pos;
                    nameLength = (int)len;
                }
                pos += (int)len;
                if (data[pos] != (byte)'\r' || data[pos + 1] != (byte)'\n') throw BadFormat(fileName);
                pos += 2;
            }
            ReadOnlySpan<byte> name = data.Slice(nameStart, nameLength);
            if (Ascii.EqualsIgnoreCase(name, "multi"u8))
            {
                multiStart = start;
                multiCommands = commands.Count;
                continue;
            }
            if (Ascii.EqualsIgnoreCase(name, "exec"u8))
            {
                if (multiStart < 0) throw new AofLoadException($"Revert incomplete MULTI/EXEC transaction in AOF file {fileName}");
                multiStart = -1;
                continue;
            }
            commands.Add((start, pos - start));
        }
        if (multiStart >= 0) return Truncated(commands, multiStart, multiCommands, data.Length);
        return new AofScan(false, data.Length, commands);
    }

    private static AofScan Truncated(List<(int Start, int Length)> commands, int multiStart, int multiCommands, int validUpTo)
    {
        if (multiStart >= 0)
        {
            // aof.c: "Revert incomplete MULTI/EXEC transaction in AOF file": cut back to before the MULTI.
            commands.RemoveRange(multiCommands, commands.Count - multiCommands);
            validUpTo = multiStart;
        }
        return new AofScan(true, validUpTo, commands);
    }

    private static bool TryReadNumber(ReadOnlySpan<byte> data, ref int pos, out long value, out bool bad)
    {
        value = 0;
        bad = false;
        int cr = data[(pos + 1)..].IndexOf((byte)'\r');
        if (cr < 0 || pos + 1 + cr + 1 >= data.Length) return false;
        int end = pos + 1 + cr;
        if (data[end + 1] != (byte)'\n' || !Protocol.NumberParser.TryParseInt64(data[(pos + 1)..end], out value))
        {
            bad = true;
            return false;
        }
        pos = end + 2;
        return true;
    }

    private static AofLoadException BadFormat(string fileName) =>
        new($"Bad file format reading the append only file {fileName}: {FixHint}");

    /// <summary>Loads every file of <paramref name="manifest"/> from <paramref name="directory"/> into the server's keyspace.</summary>
    /// <exception cref="AofLoadException">Loading failed; the message is the log line.</exception>
    public static void Load(RedisServer server, string directory, AofManifest manifest)
    {
        long started = Stopwatch.GetTimestamp();
        var files = new List<AofFileInfo>();
        if (manifest.Base is not null) files.Add(manifest.Base);
        files.AddRange(manifest.Incrs);
        if (files.Count == 0) throw new AofLoadException("Found an empty AOF manifest");
        for (int i = 0; i < files.Count; i++)
        {
            AofFileInfo file = files[i];
            string path = Path.Combine(directory, file.Name);
            if (!File.Exists(path))
            {
                // aof.c loadAppendOnlyFiles: a missing base or incr file listed in the manifest is fatal.
                throw new AofLoadException($"The AOF file {file.Name} doesn't exist");
            }
            long fileStart = Stopwatch.GetTimestamp();
            byte[] data = File.ReadAllBytes(path);
            if (data.Length == 0) continue;
            // aof.c loadSingleAppendOnlyFile: a file starting with "REDIS" is an RDB (aof-use-rdb-preamble yes: the base
            // file of Redis 7, or the preamble of an older single-file AOF), then possibly commands after it.
            int preamble = 0;
            if (data.AsSpan().StartsWith("REDIS"u8))
            {
                server.Log.Notice("Reading RDB base file on AOF loading...");
                try
                {
                    preamble = Rdb.RdbLoader.Load(server, data, file.Name).Consumed;
                }
                catch (Rdb.RdbLoadException e)
                {
                    throw new AofLoadException(e.Message);
                }
                server.Log.Notice("Reading the remaining AOF tail...");
                if (preamble == data.Length) continue;
                data = data[preamble..];
            }
            AofScan scan = Scan(data, file.Name);
            bool last = i == files.Count - 1;
            if (scan.Truncated)
            {
                if (!last) throw new AofLoadException("Fatal error: the truncated file is not the last file");
                if (!server.Config.AofLoadTruncated)
                {
                    server.Log.Warning($"AOF file {file.Name} ends with an incomplete command: the last whole command ends at offset {preamble + scan.ValidLength} of {preamble + data.Length}.");
                    throw new AofLoadException($"Unexpected end of file reading the append only file {file.Name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
                }
                server.Log.Warning($"!!! Warning: short read while loading the AOF file {file.Name}!!!");
                server.Log.Warning($"!!! Truncating the AOF {file.Name} at offset {preamble + scan.ValidLength} !!!");
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    stream.SetLength(preamble + scan.ValidLength);
                    stream.Flush(flushToDisk: true);
                }
                server.Log.Warning($"AOF {file.Name} loaded anyway because aof-load-truncated is enabled");
            }
            Replay(server, data, scan, file.Name);
            string kind = file.Type == AofFileType.Base ? "base" : "incr";
            server.Log.Notice($"DB loaded from {kind} file {file.Name}: {Seconds(fileStart)} seconds");
        }
        server.Log.Notice($"DB loaded from append only file: {Seconds(started)} seconds");
    }

    private static string Seconds(long start) =>
        Stopwatch.GetElapsedTime(start).TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs the scanned commands on a fresh detached client, merging adjacent ranges into one call.</summary>
    private static void Replay(RedisServer server, byte[] data, AofScan scan, string fileName)
    {
        var client = new Connection(server, null);
        client.Client.MustObey = true;
        try
        {
            int runStart = -1, runEnd = -1;
            foreach ((int start, int length) in scan.Commands)
            {
                string? unknown = UnknownCommand(server, data, start);
                if (unknown is not null) throw new AofLoadException($"Unknown command '{unknown}' reading the append only file {fileName}");
                if (start == runEnd)
                {
                    runEnd += length;
                    continue;
                }
                if (runStart >= 0) client.ExecuteDetached(data.AsSpan(runStart, runEnd - runStart));
                runStart = start;
                runEnd = start + length;
            }
            if (runStart >= 0) client.ExecuteDetached(data.AsSpan(runStart, runEnd - runStart));
        }
        finally
        {
            client.Close();
        }
    }

    private static string? UnknownCommand(RedisServer server, byte[] data, int start)
    {
        int pos = start;
        TryReadNumber(data, ref pos, out _, out _);
        TryReadNumber(data, ref pos, out long len, out _);
        ReadOnlySpan<byte> name = data.AsSpan(pos, (int)len);
        return server.Commands.Find(name) is null ? Encoding.UTF8.GetString(name) : null;
    }
}
