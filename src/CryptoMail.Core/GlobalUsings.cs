// The library's own namespaces, one per folder (see docs/ARCHITECTURE.md); which folder may use which is
// enforced by tests/CryptoMail.Core.Tests/Architecture/LayeringTests.cs, not by these usings.
global using CryptoMail.Core.Autocrypt;
global using CryptoMail.Core.Crypto;
global using CryptoMail.Core.Crypto.PostQuantum;
global using CryptoMail.Core.Discovery;
global using CryptoMail.Core.IO;
global using CryptoMail.Core.Keys;
global using CryptoMail.Core.Messages;
global using CryptoMail.Core.Messages.Encryption;
global using CryptoMail.Core.Messages.Reading;
global using CryptoMail.Core.Messages.Writing;
global using CryptoMail.Core.Mime;
global using CryptoMail.Core.Packets;
global using CryptoMail.Core.Stores;
global using CryptoMail.Core.Types;
