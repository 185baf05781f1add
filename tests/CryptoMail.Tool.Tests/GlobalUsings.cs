// The library's public namespaces.
global using CryptoMail.Core;
global using CryptoMail.Core.Autocrypt;
global using CryptoMail.Core.Discovery;
global using CryptoMail.Core.Mime;
global using CryptoMail.Core.Stores;
