using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Generic key commands compared byte for byte with redis-server 7.0. Every script works in database 0 of the
/// shared differential servers, on keys named "keys:&lt;test&gt;:..." that no other test uses. Expiry times are
/// absolute and far in the future (2100-01-01) so the replies do not depend on the clock.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class KeyDifferentialTests(DifferentialFixture f)
{
    [Fact]
    public void DelUnlinkAndExistsCountKeysLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:del:a 1
            SET keys:del:b "two"
            SET keys:del:c 3
            EXISTS keys:del:a keys:del:a keys:del:nope
            EXISTS keys:del:nope
            DEL keys:del:a keys:del:nope keys:del:a
            UNLINK keys:del:b keys:del:c keys:del:b
            EXISTS keys:del:a keys:del:b keys:del:c
            DEL keys:del:nope
            UNLINK keys:del:nope
            DEL
            UNLINK
            EXISTS
            SET keys:del:d 4
            PEXPIREAT keys:del:d 1
            DEL keys:del:d
            """));
    }

    [Fact]
    public void TypeAndTouchAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:type:int 12345
            SET keys:type:str hello
            TYPE keys:type:int
            TYPE keys:type:str
            TYPE keys:type:nope
            TYPE
            TYPE a b
            TOUCH keys:type:int keys:type:str keys:type:nope keys:type:int
            TOUCH keys:type:nope
            TOUCH
            """));
    }

    [Fact]
    public void RenameMovesValueAndExpiryLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:ren:a hello
            RENAME keys:ren:a keys:ren:b
            GET keys:ren:a
            GET keys:ren:b
            EXISTS keys:ren:a
            RENAME keys:ren:missing keys:ren:x
            RENAME keys:ren:missing keys:ren:missing
            RENAME keys:ren:b keys:ren:b
            GET keys:ren:b
            RENAMENX keys:ren:b keys:ren:b
            RENAMENX keys:ren:missing keys:ren:missing
            RENAMENX keys:ren:missing keys:ren:y
            SET keys:ren:c other
            RENAMENX keys:ren:b keys:ren:c
            GET keys:ren:c
            RENAME keys:ren:b keys:ren:c
            GET keys:ren:c
            EXISTS keys:ren:b
            PEXPIREAT keys:ren:c 4102444800000
            RENAME keys:ren:c keys:ren:d
            PEXPIRETIME keys:ren:d
            SET keys:ren:e 1
            PEXPIREAT keys:ren:e 4102444800123
            RENAME keys:ren:d keys:ren:e
            PEXPIRETIME keys:ren:e
            GET keys:ren:e
            SET keys:ren:f persistent
            SET keys:ren:g volatile
            PEXPIREAT keys:ren:g 4102444800999
            RENAME keys:ren:f keys:ren:g
            PTTL keys:ren:g
            SET keys:ren:h 777
            RENAMENX keys:ren:h keys:ren:i
            OBJECT ENCODING keys:ren:i
            GET keys:ren:i
            SET keys:ren:j 1
            PEXPIREAT keys:ren:j 1
            RENAME keys:ren:j keys:ren:k
            SET keys:ren:l 1
            SET keys:ren:m 2
            PEXPIREAT keys:ren:m 1
            RENAMENX keys:ren:l keys:ren:m
            GET keys:ren:m
            RENAME keys:ren:a
            RENAME keys:ren:a b c
            RENAMENX keys:ren:a
            """));
    }

    [Fact]
    public void ExpireFamilySetsAndRefusesLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:exp:a v
            EXPIRE keys:exp:a 100
            TTL keys:exp:a
            EXPIRE keys:exp:a 50 GT
            EXPIRE keys:exp:a 200 gt
            TTL keys:exp:a
            EXPIRE keys:exp:a 300 lt
            EXPIRE keys:exp:a 150 LT
            TTL keys:exp:a
            EXPIRE keys:exp:a 500 NX
            EXPIRE keys:exp:a 400 XX
            TTL keys:exp:a
            PERSIST keys:exp:a
            PERSIST keys:exp:a
            TTL keys:exp:a
            EXPIRE keys:exp:a 100 XX
            EXPIRE keys:exp:a 100 GT
            EXPIRE keys:exp:a 100 LT
            TTL keys:exp:a
            PERSIST keys:exp:a
            EXPIRE keys:exp:a 100 NX
            TTL keys:exp:a
            EXPIRE keys:exp:nope 100
            EXPIRE keys:exp:nope 100 NX
            PERSIST keys:exp:nope
            EXPIRE keys:exp:a 100 NX XX
            EXPIRE keys:exp:a 100 nx gt
            EXPIRE keys:exp:a 100 LT NX
            EXPIRE keys:exp:a 100 GT LT
            EXPIRE keys:exp:a 100 XX GT LT
            EXPIRE keys:exp:a 200 XX GT
            EXPIRE keys:exp:a 100 foo
            EXPIRE keys:exp:a abc foo
            EXPIRE keys:exp:a 100 NX XX foo
            EXPIRE keys:exp:a abc
            EXPIRE keys:exp:a 1.5
            EXPIRE keys:exp:a " 1"
            EXPIRE keys:exp:a ""
            EXPIRE keys:exp:a
            PEXPIRE keys:exp:a
            EXPIREAT keys:exp:a
            PEXPIREAT keys:exp:a
            EXPIRE keys:exp:a 9223372036854775807
            EXPIRE keys:exp:nope 9223372036854775807
            EXPIRE keys:exp:a -9223372036854775808
            PEXPIRE keys:exp:a 9223372036854775807
            PEXPIRE keys:exp:a 9223372036854775000
            EXPIREAT keys:exp:a 9223372036854775807
            EXPIREAT keys:exp:a 9223372036854775
            PEXPIREAT keys:exp:a 9223372036854775807
            PEXPIRETIME keys:exp:a
            EXPIRETIME keys:exp:a
            PEXPIREAT keys:exp:a 4102444800500
            EXPIRETIME keys:exp:a
            PEXPIREAT keys:exp:a 4102444800499
            EXPIRETIME keys:exp:a
            EXPIREAT keys:exp:a 4102444800
            PEXPIRETIME keys:exp:a
            EXPIREAT keys:exp:a 4102444801 LT
            EXPIREAT keys:exp:a 4102444801 GT
            PEXPIRETIME keys:exp:a
            PEXPIREAT keys:exp:a 4102444801000 GT
            PEXPIREAT keys:exp:a 4102444800000 LT
            PEXPIRETIME keys:exp:a
            """));
    }

    [Fact]
    public void PastOrNegativeExpiryDeletesTheKeyLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:past:a v
            EXPIRE keys:past:a -1
            EXISTS keys:past:a
            GET keys:past:a
            SET keys:past:b v
            PEXPIRE keys:past:b 0
            EXISTS keys:past:b
            SET keys:past:c v
            EXPIREAT keys:past:c 1
            TTL keys:past:c
            SET keys:past:d v
            PEXPIREAT keys:past:d -5
            PTTL keys:past:d
            SET keys:past:e v
            EXPIRE keys:past:e -9223372036854775
            EXISTS keys:past:e
            SET keys:past:f v
            EXPIRE keys:past:f 100
            EXPIRE keys:past:f -10 GT
            EXPIRE keys:past:f -10 LT
            EXISTS keys:past:f
            SET keys:past:g v
            EXPIRE keys:past:g -10 LT
            EXISTS keys:past:g
            SET keys:past:h v
            EXPIRE keys:past:h -10 XX
            EXISTS keys:past:h
            """));
    }

    [Fact]
    public void TtlFamilyReportsMissingPersistentAndVolatileKeysLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            TTL keys:ttl:nope
            PTTL keys:ttl:nope
            EXPIRETIME keys:ttl:nope
            PEXPIRETIME keys:ttl:nope
            SET keys:ttl:a v
            TTL keys:ttl:a
            PTTL keys:ttl:a
            EXPIRETIME keys:ttl:a
            PEXPIRETIME keys:ttl:a
            PEXPIREAT keys:ttl:a 4102444800000
            EXPIRETIME keys:ttl:a
            PEXPIRETIME keys:ttl:a
            EXPIRE keys:ttl:a 1000
            TTL keys:ttl:a
            SET keys:ttl:a again
            TTL keys:ttl:a
            TTL
            PTTL a b
            EXPIRETIME
            PEXPIRETIME a b
            PERSIST
            PERSIST a b
            """));
    }

    [Fact]
    public void CopyDuplicatesStringsAndChecksOptionsLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:copy:a "hello world"
            COPY keys:copy:a keys:copy:b
            GET keys:copy:b
            COPY keys:copy:a keys:copy:b
            SET keys:copy:a changed
            COPY keys:copy:a keys:copy:b REPLACE
            GET keys:copy:b
            SET keys:copy:b "other!"
            GET keys:copy:a
            COPY keys:copy:nope keys:copy:c
            COPY keys:copy:nope keys:copy:nope
            COPY keys:copy:a keys:copy:a
            COPY keys:copy:a keys:copy:a DB 0
            COPY keys:copy:a keys:copy:a REPLACE
            COPY keys:copy:a keys:copy:x DB 16
            COPY keys:copy:a keys:copy:x DB -1
            COPY keys:copy:a keys:copy:x DB abc
            COPY keys:copy:a keys:copy:x DB 99999999999
            COPY keys:copy:a keys:copy:x DB
            COPY keys:copy:a keys:copy:x FOO
            COPY keys:copy:a keys:copy:x REPLACE FOO
            COPY keys:copy:a keys:copy:x db 16 FOO
            COPY keys:copy:a keys:copy:x FOO db 16
            COPY keys:copy:a keys:copy:a DB 12
            COPY keys:copy:a keys:copy:a DB 12
            COPY keys:copy:a keys:copy:a db 12 replace
            SET keys:copy:n 5
            COPY keys:copy:n keys:copy:n2
            OBJECT ENCODING keys:copy:n2
            OBJECT REFCOUNT keys:copy:n
            OBJECT REFCOUNT keys:copy:n2
            SET keys:copy:e short
            COPY keys:copy:e keys:copy:e2
            OBJECT ENCODING keys:copy:e2
            SET keys:copy:r 0123456789012345678901234567890123456789012345
            COPY keys:copy:r keys:copy:r2
            OBJECT ENCODING keys:copy:r2
            SET keys:copy:t ttl
            PEXPIREAT keys:copy:t 4102444800000
            COPY keys:copy:t keys:copy:t2
            PEXPIRETIME keys:copy:t2
            SET keys:copy:t3 x
            PEXPIREAT keys:copy:t3 4102444801000
            COPY keys:copy:a keys:copy:t3 REPLACE
            PEXPIRETIME keys:copy:t3
            GET keys:copy:t3
            COPY keys:copy:a
            """));
    }

    [Fact]
    public void ObjectEncodingFollowsRedisForTheSameCommands()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:enc:int 12345
            OBJECT ENCODING keys:enc:int
            SET keys:enc:neg -42
            OBJECT ENCODING keys:enc:neg
            SET keys:enc:max 9223372036854775807
            OBJECT ENCODING keys:enc:max
            SET keys:enc:over 9223372036854775808
            OBJECT ENCODING keys:enc:over
            SET keys:enc:lead 0123
            OBJECT ENCODING keys:enc:lead
            SET keys:enc:plus +5
            OBJECT ENCODING keys:enc:plus
            SET keys:enc:e44 01234567890123456789012345678901234567890123
            OBJECT ENCODING keys:enc:e44
            SET keys:enc:r45 012345678901234567890123456789012345678901234
            OBJECT ENCODING keys:enc:r45
            SET keys:enc:empty ""
            OBJECT ENCODING keys:enc:empty
            SET keys:enc:sp " 1"
            OBJECT ENCODING keys:enc:sp
            OBJECT ENCODING keys:enc:nope
            OBJECT REFCOUNT keys:enc:nope
            OBJECT IDLETIME keys:enc:nope
            OBJECT FREQ keys:enc:nope
            OBJECT REFCOUNT keys:enc:int
            OBJECT REFCOUNT keys:enc:neg
            OBJECT REFCOUNT keys:enc:e44
            SET keys:enc:small 9999
            OBJECT REFCOUNT keys:enc:small
            SET keys:enc:big 10000
            OBJECT REFCOUNT keys:enc:big
            SET keys:enc:zero 0
            OBJECT REFCOUNT keys:enc:zero
            OBJECT FREQ keys:enc:int
            OBJECT HELP
            object help
            OBJECT
            OBJECT FOO
            OBJECT FOO bar
            OBJECT ENCODING
            OBJECT ENCODING a b
            OBJECT REFCOUNT
            OBJECT IDLETIME a b
            OBJECT FREQ
            OBJECT HELP extra
            """));
    }

    [Fact]
    public void KeysMatchesPatternsLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:keys:alpha 1
            SET keys:keys:beta 2
            SET keys:keys:gamma 3
            SET keys:keys:a?c 4
            SET keys:keys:A 5
            KEYS keys:keys:*
            KEYS keys:keys:?eta
            KEYS keys:keys:[ab]*
            KEYS keys:keys:[^ab]*
            KEYS keys:keys:a\?c
            KEYS keys:keys:a
            KEYS keys:keys:nothing*
            KEYS keys:keys:alpha
            SET keys:keys:gone 1
            PEXPIREAT keys:keys:gone 1
            KEYS keys:keys:g*
            KEYS
            KEYS a b
            """), RespNormalizer.SortStringArrays);
    }

    [Fact]
    public void ScanWithMatchCountAndTypeReturnsTheSameKeysAsRedis()
    {
        // COUNT 1000000 makes both servers finish in one call (Redis: up to 10×COUNT buckets), so the cursor is 0.
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:scan:one 1
            SET keys:scan:two 2
            SET keys:scan:three 3
            SET keys:scan:four 4
            SCAN 0 MATCH keys:scan:* COUNT 1000000
            SCAN 0 match keys:scan:t* count 1000000
            SCAN 0 COUNT 1000000 MATCH keys:scan:*o* TYPE string
            SCAN 0 COUNT 1000000 MATCH keys:scan:* TYPE STRING
            SCAN 0 COUNT 1000000 MATCH keys:scan:* TYPE list
            SCAN 0 COUNT 1000000 MATCH keys:scan:* TYPE nosuchtype
            SCAN 0 COUNT 1000000 MATCH keys:scan:* COUNT 2000000
            """), RespNormalizer.SortStringArrays);
    }

    [Fact]
    public void ScanRejectsBadCursorsAndOptionsLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SCAN abc
            SCAN " 1"
            SCAN 1x
            SCAN -
            SCAN +
            SCAN 18446744073709551616
            SCAN 99999999999999999999999
            SCAN -18446744073709551616
            SCAN 18446744073709551615 MATCH keys:scanerr:*
            SCAN -1 MATCH keys:scanerr:*
            SCAN 0 COUNT 0
            SCAN 0 COUNT -1
            SCAN 0 COUNT abc
            SCAN 0 COUNT 9223372036854775808
            SCAN 0 MATCH
            SCAN 0 COUNT
            SCAN 0 TYPE
            SCAN 0 FOO bar
            SCAN 0 MATCH keys:scanerr:* FOO
            SCAN abc FOO
            SCAN 0 COUNT 0 FOO bar
            SCAN
            """));
    }

    [Fact]
    public void CommandsTreatAKeyPastItsTtlAsMissingLikeRedis()
    {
        // Two phases: the keys get a 20 ms TTL, then, well after it, every command meets them expired (deleted
        // lazily on RedisFast or by either server's active expiry: the replies are the same either way).
        Differential.AssertSameReplies(f, Differential.Script("""
            SET keys:lazy:a v
            SET keys:lazy:b v
            SET keys:lazy:c v
            SET keys:lazy:d v
            SET keys:lazy:e v
            SET keys:lazy:f v
            SET keys:lazy:g v
            SET keys:lazy:dst v
            PEXPIRE keys:lazy:a 20
            PEXPIRE keys:lazy:b 20
            PEXPIRE keys:lazy:c 20
            PEXPIRE keys:lazy:d 20
            PEXPIRE keys:lazy:e 20
            PEXPIRE keys:lazy:f 20
            PEXPIRE keys:lazy:g 20
            PEXPIRE keys:lazy:dst 20
            """));
        Thread.Sleep(150);
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL keys:lazy:a
            EXISTS keys:lazy:b
            TTL keys:lazy:c
            PTTL keys:lazy:c
            TYPE keys:lazy:d
            RENAME keys:lazy:e keys:lazy:e2
            RENAMENX keys:lazy:e keys:lazy:e2
            COPY keys:lazy:f keys:lazy:f2
            OBJECT ENCODING keys:lazy:g
            PERSIST keys:lazy:g
            EXPIRE keys:lazy:g 100
            SET keys:lazy:src v
            RENAMENX keys:lazy:src keys:lazy:dst
            GET keys:lazy:dst
            TTL keys:lazy:dst
            KEYS keys:lazy:[a-g]
            SCAN 0 MATCH keys:lazy:[a-g] COUNT 1000000
            """));
    }

    [Fact]
    public void RandomKeyRejectsArgumentsLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            RANDOMKEY extra
            """));
    }
}

/// <summary>Reply normalizers for commands whose element order is unspecified (KEYS, SCAN).</summary>
internal static class RespNormalizer
{
    /// <summary>Sorts the elements of every array whose elements are all bulk strings, at any depth.</summary>
    public static string SortStringArrays(string reply)
    {
        int position = 0;
        return Normalize(reply, ref position);
    }

    private static string Normalize(string text, ref int position)
    {
        int lineEnd = text.IndexOf("\r\n", position, StringComparison.Ordinal);
        string line = text[position..lineEnd];
        int start = position;
        position = lineEnd + 2;
        switch (line[0])
        {
            case '$':
            {
                int length = int.Parse(line.AsSpan(1));
                if (length >= 0) position += length + 2;
                return text[start..position];
            }
            case '*':
            {
                int count = int.Parse(line.AsSpan(1));
                var items = new List<string>();
                for (int i = 0; i < count; i++) items.Add(Normalize(text, ref position));
                if (items.TrueForAll(item => item[0] == '$')) items.Sort(StringComparer.Ordinal);
                return line + "\r\n" + string.Concat(items);
            }
            default:
                return text[start..position];
        }
    }
}
