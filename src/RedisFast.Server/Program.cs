using RedisFast.Server;

var config = new ServerConfig();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--port") config.Port = int.Parse(args[i + 1]);
}
using var server = new RedisServer(config);
server.Start();
Console.WriteLine($"Ready to accept connections tcp on port {server.Port}");
server.Stopped.Wait();
return 0;
