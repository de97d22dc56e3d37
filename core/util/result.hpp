// Result<T>: a value or a message a person can act on. Core code returns these
// instead of throwing; exceptions stay at parsing and I/O boundaries.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace crm {

struct Error {
    std::string message;
};

template <class T> class Result {
  public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<T>(m_state); }
    const T& value() const { return std::get<T>(m_state); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    const std::string& error() const { return std::get<Error>(m_state).message; }

  private:
    std::variant<T, Error> m_state;
};

// For operations that return nothing on success.
class Status {
  public:
    Status() = default;
    Status(Error error) : m_error(std::move(error.message)) {}
    static Status success() { return {}; }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const std::string& error() const { return *m_error; }

  private:
    std::optional<std::string> m_error;
};

} // namespace crm
