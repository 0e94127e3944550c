using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Pub/sub against redis-server 7.0 with a subscriber (A) and a publisher (B) on each server: confirmations,
/// delivered messages, the RESP2 subscribed-mode restrictions and RESP3 push frames, byte for byte. Each
/// subscriber holds one channel or pattern per delivery so that Redis's hash-table order never matters.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class PubSubDifferentialTests(DifferentialFixture f)
{
    [Fact]
    public void SubscriberReceivesMessagesAndConfirmationsCountSubscriptions() => TwoClientScript.AssertSame(f, """
        A SUBSCRIBE ps1:a ps1:b
        B PUBLISH ps1:a hello
        read A
        B PUBLISH ps1:b ""
        read A
        B PUBLISH ps1:none x
        B PUBSUB NUMSUB ps1:a ps1:b ps1:none
        B PUBSUB CHANNELS ps1:a*
        A SUBSCRIBE ps1:a
        A UNSUBSCRIBE ps1:a ps1:zz
        B PUBLISH ps1:a gone
        A UNSUBSCRIBE
        A UNSUBSCRIBE
        A PUNSUBSCRIBE
        A SUNSUBSCRIBE
        B PUBSUB NUMSUB ps1:a ps1:b
        A GET ps1:k
        """);

    [Fact]
    public void PatternSubscriberReceivesPmessageForEveryMatchingChannel() => TwoClientScript.AssertSame(f, """
        A PSUBSCRIBE ps2:news.*
        A PSUBSCRIBE ps2:news.*
        B PUBLISH ps2:news.art one
        read A
        B PUBLISH ps2:weather two
        B PUBLISH ps2:news.x three
        read A
        B PUBSUB NUMPAT
        A PUNSUBSCRIBE ps2:other
        A PUNSUBSCRIBE
        B PUBLISH ps2:news.art four
        A PUNSUBSCRIBE
        """);

    [Fact]
    public void SubscribedResp2ClientMayOnlyRunTheSubscribeFamilyPingQuitAndReset() => TwoClientScript.AssertSame(f, """
        A SUBSCRIBE ps3:c
        A GET ps3:k
        A SET ps3:k v
        A CLIENT LIST
        A MULTI
        A PING
        A PING hi
        A GET
        A NOSUCH
        A PSUBSCRIBE ps3:p*
        A PUNSUBSCRIBE ps3:p*
        A UNSUBSCRIBE ps3:c
        A PING
        A GET ps3:k
        """);

    [Fact]
    public void ShardChannelsAreASeparateNamespaceWithTheirOwnCounts() => TwoClientScript.AssertSame(f, """
        A SSUBSCRIBE ps4:s
        A SUBSCRIBE ps4:c
        B SPUBLISH ps4:s m1
        read A
        B PUBLISH ps4:s m2
        B SPUBLISH ps4:c m3
        B PUBSUB SHARDNUMSUB ps4:s ps4:c
        B PUBSUB SHARDCHANNELS ps4:*
        A SUNSUBSCRIBE ps4:zz
        A SUNSUBSCRIBE
        A UNSUBSCRIBE
        """);

    [Fact]
    public void Resp3SubscriberGetsPushFramesAndMayRunAnyCommand() => TwoClientScript.AssertSame(f, """
        A HELLO 3
        A SUBSCRIBE ps5:c
        A PSUBSCRIBE ps5:p*
        B PUBLISH ps5:c hi
        read A
        B PUBLISH ps5:px there
        read A
        A GET ps5:none
        A PING
        A PING x
        A UNSUBSCRIBE
        A PUNSUBSCRIBE
        A UNSUBSCRIBE
        B HELLO 3
        B PUBSUB NUMSUB ps5:c
        """);

    [Fact]
    public void PubSubIntrospectionAndItsErrorsMatchRedis() => TwoClientScript.AssertSame(f, """
        B PUBSUB HELP
        B PUBSUB
        B PUBSUB FOO
        B PUBSUB NUMPAT x
        B PUBSUB CHANNELS a b
        B PUBSUB SHARDCHANNELS a b
        B PUBSUB NUMSUB
        B PUBLISH onlyone
        B SUBSCRIBE
        B PSUBSCRIBE
        """);

    [Fact]
    public void SubscribeInsideMultiRunsAtExecButSsubscribeIsRefused() => TwoClientScript.AssertSame(f, """
        A MULTI
        A SUBSCRIBE ps6:m
        A SSUBSCRIBE ps6:s
        A PING
        A EXEC
        B PUBLISH ps6:m msg
        read A
        A UNSUBSCRIBE
        """);
}
