#pragma once
// ErrorOr<T>: a value or an errno, the core's only error channel (no exceptions).
// The syscall dispatcher is the single place where an Error becomes -errno.
#include "memory.h"

namespace ktl {

struct Error {
    int code; // a positive Linux errno value
    static Error from_errno(int code) { return { code }; }
};

template<typename T>
class [[nodiscard]] ErrorOr {
public:
    ErrorOr(const T& value) : m_has_value(true) { new (&m_value) T(value); }
    ErrorOr(T&& value) : m_has_value(true) { new (&m_value) T(std::move(value)); }
    template<typename U,
        typename = std::enable_if_t<std::is_convertible_v<U, T> && !std::is_same_v<std::decay_t<U>, T>>>
    ErrorOr(U&& value) : m_has_value(true)
    {
        new (&m_value) T(std::forward<U>(value));
    }
    ErrorOr(Error error) : m_error(error), m_has_value(false) {}
    ErrorOr(ErrorOr&& other) : m_error(other.m_error), m_has_value(other.m_has_value)
    {
        if (m_has_value)
            new (&m_value) T(std::move(other.m_value));
    }
    ErrorOr(const ErrorOr&) = delete;
    ErrorOr& operator=(const ErrorOr&) = delete;
    ~ErrorOr()
    {
        if (m_has_value)
            m_value.~T();
    }

    bool is_error() const { return !m_has_value; }
    Error error() const { return m_error; }
    T& value() { return m_value; }
    const T& value() const { return m_value; }
    T release_value() { return std::move(m_value); }

private:
    union {
        T m_value;
    };
    Error m_error { 0 };
    bool m_has_value;
};

template<>
class [[nodiscard]] ErrorOr<void> {
public:
    ErrorOr() = default;
    ErrorOr(Error error) : m_error(error), m_is_error(true) {}
    bool is_error() const { return m_is_error; }
    Error error() const { return m_error; }
    void release_value() {}

private:
    Error m_error { 0 };
    bool m_is_error { false };
};

} // namespace ktl

// Returns early with the error, or yields the value (a GNU statement expression, as in SerenityOS).
#define TRY(expression)                                                                                                \
    ({                                                                                                                 \
        auto _try_result = (expression);                                                                               \
        if (_try_result.is_error()) [[unlikely]]                                                                       \
            return _try_result.error();                                                                                \
        _try_result.release_value();                                                                                   \
    })
