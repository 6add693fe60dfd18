#pragma once

// A listening socket on 127.0.0.1 that plays a misbehaving HTTP server in
// the S3 unit tests. The kernel completes connections to it whether or not
// anything accepts them.
#include <doctest/doctest.h>

#include <trove/core/fs.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <tuple>

class LoopbackListener
{
public:
  LoopbackListener() : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0))
  {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(m_fd.get(), reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::listen(m_fd.get(), 16) == 0);
    REQUIRE(::getsockname(m_fd.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    m_port = ntohs(address.sin_port);
  }

  int
  port() const
  {
    return m_port;
  }

  // Accepts one connection and reads its request's head; the connection is
  // invalid when the listener was shut down or the client went away.
  trove::core::Fd
  accept_request() const
  {
    trove::core::Fd client(::accept4(m_fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    std::string request;
    char buffer[4096];
    while (client && request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(client.get(), buffer, sizeof buffer);
      if (n <= 0) {
        return trove::core::Fd();
      }
      request.append(buffer, static_cast<std::size_t>(n));
    }
    return client;
  }

  static void
  send_text(const trove::core::Fd& client, const std::string& text)
  {
    std::ignore = ::send(client.get(), text.data(), text.size(), MSG_NOSIGNAL);
  }

  // Makes a pending accept_request() return.
  void
  shut_down() const
  {
    ::shutdown(m_fd.get(), SHUT_RDWR);
  }

private:
  trove::core::Fd m_fd;
  int m_port = 0;
};
