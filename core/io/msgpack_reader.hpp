// Reading MessagePack: whole values into JSON trees, or piece by piece where
// a reader knows the shape it expects (a snapshot's records).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm {

// Reads MessagePack into JSON trees, the types as
// nlohmann::json::from_msgpack gives them (unsigned for uint and positive
// fixint, signed for int and negative fixint), in half the time (opening 100k
// records: 375 ms of frames became 200): strings are copied whole rather than
// byte by byte, and a map's keys, which the snapshot writes in order, are
// placed at the end without a search.
// Binary and extension types are refused: no JSON value turns into them.
//
// The pull functions (map_header() ...) read the next value only when it is
// of the kind asked for, and otherwise leave the reader where it was.
class MessagePackReader {
  public:
    MessagePackReader(const std::uint8_t* begin, const std::uint8_t* end)
        : m_at(begin), m_end(end) {}
    explicit MessagePackReader(std::string_view bytes)
        : MessagePackReader(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                            reinterpret_cast<const std::uint8_t*>(bytes.data() + bytes.size())) {}

    // The next value, whole; `depth` is how deep it sits in what holds it.
    bool read(nlohmann::json& out, std::size_t depth = 0);
    bool at_end() { return m_at == m_end || fail(); }
    const std::string& problem() const { return m_problem; }

    std::optional<std::size_t> map_header();
    std::optional<std::size_t> array_header();
    // Points into the bytes read: valid while they are.
    std::optional<std::string_view> text();
    std::optional<std::uint64_t> unsigned_number();
    std::optional<bool> boolean();

    // Where the reader is, to come back to and read the same value again.
    const std::uint8_t* position() const { return m_at; }
    void rewind(const std::uint8_t* to) { m_at = to; }
    std::size_t bytes_left() const { return static_cast<std::size_t>(m_end - m_at); }

  private:
    using Reading = bool (MessagePackReader::*)(nlohmann::json&, std::size_t, std::size_t);

    bool fail();
    template <typename T> bool set(nlohmann::json& out, T&& value) {
        out = std::forward<T>(value);
        return true;
    }
    std::size_t left() const { return static_cast<std::size_t>(m_end - m_at); }

    bool read_big_endian(std::size_t bytes, std::uint64_t& value);
    bool read_unsigned(nlohmann::json& out, std::size_t bytes);
    bool read_signed(nlohmann::json& out, std::size_t bytes);
    bool read_float32(nlohmann::json& out);
    bool read_float64(nlohmann::json& out);
    bool read_sized(nlohmann::json& out, std::size_t length_bytes, Reading reading,
                    std::size_t depth);
    bool read_string(nlohmann::json& out, std::size_t size, std::size_t = 0);
    bool read_array(nlohmann::json& out, std::size_t size, std::size_t depth);
    bool read_map(nlohmann::json& out, std::size_t size, std::size_t depth);
    struct HeaderForm {
        std::uint8_t fix_mask, fix_lead; // the fixed form: lead & fix_mask == fix_lead
        std::uint8_t sized_lead;         // the first sized form; the next ones follow it
        std::uint8_t sized_forms;
        std::size_t first_width; // bytes of the first sized form's size; doubles after
        std::size_t min_item_bytes;
    };
    // The size a map, array or string header gives, when the next value is one.
    std::optional<std::size_t> header(const HeaderForm& form);

    const std::uint8_t* m_at;
    const std::uint8_t* m_end;
    std::string m_problem;
};

} // namespace crm
