using RedisFast.Protocol;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// rdbLoadObject: each RDB value type decoded into the sink. Integers inside encodings become their decimal text.
/// A member twice in a set or sorted set of the plain (non-blob) types fails as in Redis ("Duplicate set members
/// detected"); Redis 7.0 loads a hash with a field twice, and blobs with duplicates unchecked (sanitize-dump-payload
/// no): RedisFast keeps the last value there.
/// </summary>
internal static partial class RdbLoader
{
    private const byte TypeString = 0, TypeList = 1, TypeSet = 2, TypeZSet = 3, TypeHash = 4, TypeZSet2 = 5;
    private const byte TypeModulePreGa = 6, TypeModule2 = 7;
    private const byte TypeHashZipmap = 9, TypeListZiplist = 10, TypeSetIntset = 11, TypeZSetZiplist = 12, TypeHashZiplist = 13;
    private const byte TypeListQuicklist = 14, TypeStreamListpacks = 15, TypeHashListpack = 16, TypeZSetListpack = 17;
    private const byte TypeListQuicklist2 = 18, TypeStreamListpacks2 = 19, TypeSetListpack = 20, TypeStreamListpacks3 = 21;

    /// <summary>quicklist.h QUICKLIST_NODE_CONTAINER_PLAIN / _PACKED, as RDB_TYPE_LIST_QUICKLIST_2 stores them.</summary>
    private const ulong ContainerPlain = 1, ContainerPacked = 2;

    private sealed partial class Session
    {
        /// <summary>Where the blob being decoded starts, for messages.</summary>
        private int _blobAt;

        // Integers of ziplists and listpacks as text: arrays rather than stackalloc, as the readers may hand them back.
        private readonly byte[] _digitsA = new byte[24], _digitsB = new byte[24];

        /// <summary>Decodes one value into the sink; returns its element count (1 for a string, 0: empty).</summary>
        /// <param name="at">The offset of the type byte, for messages.</param>
        private long Value(byte type, ReadOnlySpan<byte> key, int at)
        {
            switch (type)
            {
                case TypeString:
                    _sink.SetString(_input.ReadString(ref _scratchA));
                    return 1;
                case TypeList:
                    return Elements(RdbCollection.List);
                case TypeSet:
                    return Elements(RdbCollection.Set);
                case TypeZSet:
                case TypeZSet2:
                    return SortedSet(binaryScores: type == TypeZSet2);
                case TypeHash:
                    return Hash();
                case TypeHashZipmap:
                    return Zipmap();
                case TypeListZiplist:
                    _sink.BeginCollection(RdbCollection.List);
                    AddZiplist(Blob(), RdbCollection.List);
                    return _sink.EndCollection();
                case TypeSetIntset:
                    return Intset();
                case TypeZSetZiplist:
                    _sink.BeginCollection(RdbCollection.SortedSet);
                    AddZiplist(Blob(), RdbCollection.SortedSet);
                    return _sink.EndCollection();
                case TypeHashZiplist:
                    _sink.BeginCollection(RdbCollection.Hash);
                    AddZiplist(Blob(), RdbCollection.Hash);
                    return _sink.EndCollection();
                case TypeListQuicklist:
                case TypeListQuicklist2:
                    return Quicklist(type == TypeListQuicklist2);
                case TypeHashListpack:
                    return Listpack(RdbCollection.Hash);
                case TypeZSetListpack:
                    return Listpack(RdbCollection.SortedSet);
                case TypeSetListpack:
                    return Listpack(RdbCollection.Set);
                case TypeStreamListpacks:
                case TypeStreamListpacks2:
                case TypeStreamListpacks3:
                    throw new RdbLoadException(
                        $"Key '{Printable(key)}' in DB {_db} is a stream (RDB type {type}, {_input.FileName} at offset {at}): RedisFast has no streams");
                case TypeModulePreGa:
                    throw new RdbLoadException(
                        $"Pre-release module format not supported: key '{Printable(key)}' in DB {_db} (RDB type {type}, {_input.FileName} at offset {at}): RedisFast has no modules");
                case TypeModule2:
                    string module = ModuleName(_input.ReadLength());
                    throw new RdbLoadException(
                        $"The RDB file contains module data I can't load: no matching module type '{module}' for key '{Printable(key)}' in DB {_db} (RDB type {type}, {_input.FileName} at offset {at}): RedisFast has no modules");
                default:
                    _input.ThrowCorrupt($"Unknown RDB encoding type {type}", at);
                    return 0;
            }
        }

        /// <summary>A string holding a ziplist, listpack, intset or zipmap (possibly LZF-compressed as a whole).</summary>
        private ReadOnlySpan<byte> Blob()
        {
            _blobAt = _input.Position;
            return _input.ReadString(ref _blobScratch);
        }

        /// <summary>RDB_TYPE_LIST and RDB_TYPE_SET: a count, then that many strings.</summary>
        private long Elements(RdbCollection collection)
        {
            long count = _input.ReadCount();
            _sink.BeginCollection(collection);
            for (long i = 0; i < count; i++)
            {
                int at = _input.Position;
                if (!_sink.Add(_input.ReadString(ref _scratchA))) _input.ThrowCorrupt(DuplicateIn("Duplicate set members detected"), at);
            }
            return _sink.EndCollection();
        }

        /// <summary>RDB_TYPE_HASH: a count, then field and value strings.</summary>
        private long Hash()
        {
            long count = _input.ReadCount();
            _sink.BeginCollection(RdbCollection.Hash);
            for (long i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> field = _input.ReadString(ref _scratchA);
                _sink.Add(field, _input.ReadString(ref _scratchB));
            }
            return _sink.EndCollection();
        }

        /// <summary>RDB_TYPE_ZSET (scores as text) and RDB_TYPE_ZSET_2 (binary doubles): a count, then member and score.</summary>
        private long SortedSet(bool binaryScores)
        {
            long count = _input.ReadCount();
            _sink.BeginCollection(RdbCollection.SortedSet);
            for (long i = 0; i < count; i++)
            {
                int at = _input.Position;
                ReadOnlySpan<byte> member = _input.ReadString(ref _scratchA);
                int scoreAt = _input.Position;
                double score = binaryScores ? _input.ReadBinaryDouble() : _input.ReadTextDouble();
                if (double.IsNaN(score)) _input.ThrowCorrupt("Zset with NAN score detected", scoreAt);
                if (!_sink.AddScored(score, member)) _input.ThrowCorrupt(DuplicateIn("Duplicate zset fields detected"), at);
            }
            return _sink.EndCollection();
        }

        /// <summary>rdb.c's duplicate message, with the key.</summary>
        private string DuplicateIn(string reason) => $"{reason} in the value of key '{Printable(_sink.Key)}'";

        private long Intset()
        {
            var reader = new IntsetReader(Blob());
            _sink.BeginCollection(RdbCollection.Set);
            Span<byte> digits = stackalloc byte[24];
            while (reader.Next(out long value))
            {
                System.Buffers.Text.Utf8Formatter.TryFormat(value, digits, out int n);
                _sink.Add(digits[..n]);
            }
            return _sink.EndCollection();
        }

        private long Zipmap()
        {
            var reader = new ZipmapReader(Blob());
            _sink.BeginCollection(RdbCollection.Hash);
            while (reader.Next(out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)) _sink.Add(field, value);
            return _sink.EndCollection();
        }

        private long Listpack(RdbCollection collection)
        {
            _sink.BeginCollection(collection);
            AddListpack(Blob(), collection);
            return _sink.EndCollection();
        }

        /// <summary>
        /// RDB_TYPE_LIST_QUICKLIST (nodes are ziplists) and _2 (each node a container kind, then a listpack or, for
        /// PLAIN, one element). A node stored LZF-compressed is a compressed string like any other.
        /// </summary>
        private long Quicklist(bool containers)
        {
            long nodes = _input.ReadCount();
            _sink.BeginCollection(RdbCollection.List);
            for (long i = 0; i < nodes; i++)
            {
                ulong container = ContainerPacked;
                if (containers)
                {
                    int at = _input.Position;
                    container = _input.ReadLength();
                    if (container != ContainerPlain && container != ContainerPacked)
                        _input.ThrowCorrupt($"Quicklist integrity check failed. (node container {container})", at);
                }
                ReadOnlySpan<byte> node = Blob();
                if (container == ContainerPlain) _sink.Add(node);
                else if (containers) AddListpack(node, RdbCollection.List);
                else AddZiplist(node, RdbCollection.List);
            }
            return _sink.EndCollection();
        }

        private void AddListpack(ReadOnlySpan<byte> blob, RdbCollection collection)
        {
            var reader = new ListpackReader(blob);
            AddEntries(ref reader, collection, "Listpack integrity check failed.");
        }

        private void AddZiplist(ReadOnlySpan<byte> blob, RdbCollection collection)
        {
            var reader = new ZiplistReader(blob);
            AddEntries(ref reader, collection, "Ziplist integrity check failed.");
        }

        /// <summary>The entries of a listpack or ziplist: elements of a list or set, or pairs of a hash or sorted set.</summary>
        private void AddEntries<TReader>(ref TReader reader, RdbCollection collection, string check)
            where TReader : IBlobEntries, allows ref struct
        {
            Span<byte> first = _digitsA, second = _digitsB;
            while (reader.Next(first, out ReadOnlySpan<byte> a))
            {
                if (collection is RdbCollection.List or RdbCollection.Set)
                {
                    _sink.Add(a);
                    continue;
                }
                if (!reader.Next(second, out ReadOnlySpan<byte> b)) BlobFormatException.Throw(check, "odd number of entries for pairs");
                AddPair(collection, a, b);
            }
        }

        /// <summary>A hash field and value, or a sorted set member and its score as text (zzlGetScore).</summary>
        private void AddPair(RdbCollection collection, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            if (collection == RdbCollection.Hash)
            {
                _sink.Add(a, b);
                return;
            }
            if (!NumberParser.TryParseScore(b, out double score)) BlobFormatException.Throw("Zset integrity check failed.", "a score is not a number");
            _sink.AddScored(score, a);
        }
    }
}
