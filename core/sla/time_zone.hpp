// IANA time zones from their compiled (TZif) form: offsets at any instant,
// and local wall-clock times back to instants, across daylight-saving
// changes. The rules ship with the program (see tzdb.hpp), so results never
// depend on the machine's own zone.
#pragma once

#include "util/result.hpp"
#include "util/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

class TimeZone {
  public:
    // Reads TZif data (version 2 or later, with its POSIX TZ footer for times
    // after the last listed transition).
    static Result<TimeZone> from_tzif(std::string name, std::string_view bytes);
    // A zone by IANA name from the rules shipped with the program.
    static Result<TimeZone> named(const std::string& name);
    static TimeZone utc();

    const std::string& name() const { return m_name; }
    // Seconds to add to UTC to get local wall-clock time at `instant`.
    std::int64_t offset_at(Instant instant) const;
    // Local wall-clock seconds (days_from_civil * 86400 + time of day) as an
    // instant. A time skipped by a spring-forward change is read with the
    // offset before the change; a time that occurs twice takes the first.
    Instant to_instant(std::int64_t local_seconds) const;
    std::int64_t to_local(Instant instant) const { return instant.seconds + offset_at(instant); }

  private:
    struct Rule { // a POSIX TZ transition date: Mm.w.d/time
        int month = 0, week = 0, weekday = 0;
        std::int64_t time = 7200;
    };
    std::int64_t footer_offset(Instant instant) const;
    std::int64_t rule_start(const Rule& rule, int year, std::int64_t offset) const;

    std::string m_name;
    std::vector<std::int64_t> m_transitions; // UTC seconds
    std::vector<std::int64_t> m_offsets;     // offset after each transition
    std::int64_t m_initial_offset = 0;
    // Footer: standard offset, and the DST offset with its start and end rules.
    bool m_has_footer = false;
    std::int64_t m_std_offset = 0, m_dst_offset = 0;
    bool m_has_dst = false;
    Rule m_dst_start, m_dst_end;
};

} // namespace crm
