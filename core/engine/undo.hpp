// Undo: the command that takes back a person's last change. It is an ordinary
// command: the engine checks it (permissions, gates), journals it and history
// shows it like any other change.
#pragma once

#include "engine/command.hpp"
#include "engine/event.hpp"
#include "model/workspace.hpp"
#include "util/result.hpp"

#include <cstdint>

namespace crm {

// The command that undoes `last`, a batch a person's command made (not one
// of automation's reactions). `version_after` is the record's version right
// after that command returned (and automation answered it); if the record has
// moved on since, undo is refused rather than overwrite the later change.
//   update  -> UpdateRecord with the values (and owner) from before
//   create  -> DeleteRecord          restore -> DeleteRecord
//   delete  -> RestoreRecord with the record the deletion kept
//   a stage move (by move or by the stage field) -> MoveRecord back to the
//     stage it came from; it passes the gates like any move, and fields filled
//     in with the move keep their values
// Refused, in words: "There is nothing to undo", "Changes made by automation
// cannot be undone here", "Saving the processes cannot be undone here",
// "Importing people cannot be undone here",
// "Adding a field cannot be undone here", "Converting a lead cannot be undone here", "Adding a
// record type cannot be undone here", "Ending or leaving a flow cannot be undone here", "Cannot
// undo: deal-7 no longer exists", "Cannot undo: Acme renewal has changed since; see its history",
// "Cannot undo: deal-7 exists again", "Cannot undo: this journal did not keep the deleted record".
//   a merge -> RevertBatch of it (the record that stayed must be unchanged)
Result<Command> undo_command(const Workspace& workspace, const EventBatch& last,
                             std::uint64_t version_after);

// "the import of contacts.csv", "the merge of Dana W. (contact-12) into
// contact-3", "the undoing of batch 12", "batch 12": what a batch was, for
// messages and history.
std::string describe_batch(const EventBatch& batch);

} // namespace crm
