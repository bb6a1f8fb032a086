// SPDX-License-Identifier: MIT
// Lessons: the built-in ones load and check out against their networks; a bad lesson file is
// refused with one sentence naming the file, line and problem (exit code 3); the player's
// steps, conditions and headless timing.
#include <gtest/gtest.h>

#include "lesson_player.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/lesson.hpp"

namespace nnlive {
namespace {

std::string error_of(const std::string& toml) {
  try {
    core::parse_lesson(toml, "l.toml", "l");
  } catch (const core::UserError& e) {
    EXPECT_EQ(e.code, core::ExitCode::bad_input) << e.what();
    return e.what();
  }
  return "(accepted)";
}

TEST(Lessons, BuiltInLessonsLoadAndMatchTheirNetworks) {
  const auto list = core::list_lessons();
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list.front().name, "spiral-story");
  for (const auto& info : list) {
    const core::Lesson l = core::load_lesson(info.name);
    EXPECT_FALSE(l.title.empty());
    ASSERT_FALSE(l.steps.empty());
    for (const auto& s : l.steps) EXPECT_FALSE(s.caption.empty()) << info.name << " line " << s.line;
    EXPECT_NO_THROW(app::validate_lesson(l)) << info.name;
  }
}

TEST(Lessons, BadFilesNameTheLineAndTheProblem) {
  const std::string head = "title = \"t\"\n[[step]]\npreset = \"xor\"\ncaption = \"c\"\n";
  EXPECT_NE(error_of(head + "colour = 3\n").find("l.toml:5: unknown key 'colour' in a [[step]]"), std::string::npos);
  EXPECT_NE(error_of(head + "until_epoch = 5\nuntil_seconds = 3\n").find("l.toml:6: a step has one of"), std::string::npos);
  EXPECT_NE(error_of(head + "pause = true\nuntil_epoch = 5\n").find("a paused step cannot wait"), std::string::npos);
  EXPECT_NE(error_of(head + "until_epoch = 1.5\n").find("l.toml:5: 'until_epoch' must be a whole number"), std::string::npos);
  EXPECT_NE(error_of(head + "learning_rate = 1000\n").find("'learning_rate' must be between"), std::string::npos);
  EXPECT_NE(error_of(head + "highlight_neuron = \"a:b\"\n").find("LAYER:NEURON"), std::string::npos);
  EXPECT_NE(error_of(head + "highlight_curve = \"both\"\n").find("\"train\" or \"test\""), std::string::npos);
  EXPECT_NE(error_of(head + "zoom = [1, 1, 0, 0]\n").find("x1 > x0"), std::string::npos);
  EXPECT_NE(error_of(head + "for_epochs = 3\n").find("'for_epochs' goes with until_loss"), std::string::npos);
  EXPECT_NE(error_of(head + "[[step]]\nseed = 4\ncaption = \"x\"\n").find("'seed' goes with 'preset'"), std::string::npos);
  EXPECT_NE(error_of(head + "[[step]]\nuntil_seconds = 2\npreset = \"nope\"\n").find("l.toml:7: unknown preset 'nope'"),
            std::string::npos);
  EXPECT_NE(error_of("[[step]]\npreset = \"xor\"\ncaption = \"c\"\n").find("no 'title'"), std::string::npos);
  EXPECT_NE(error_of("title = \"t\"\n").find("no steps"), std::string::npos);
  EXPECT_NE(error_of("title = \"t\"\n[[step]]\ncaption = \"c\"\n").find("the first step must set the experiment"), std::string::npos);
  EXPECT_NE(error_of("title = \"t\"\n[[step]]\npreset = \"xor\"\n").find("needs a caption"), std::string::npos);
  EXPECT_NE(error_of("title = = \"t\"\n").find("l.toml:1:"), std::string::npos);
  EXPECT_NE(error_of(std::string("title = \"t\"\0", 12)).find("NUL byte"), std::string::npos);
  EXPECT_NE(error_of(std::string(2 << 20, '#')).find("over 1 MiB"), std::string::npos);
  // A highlight that is not in the step's network is caught before anything plays.
  const core::Lesson l = core::parse_lesson(head + "highlight_neuron = \"3:1\"\n", "l.toml", "l");
  try {
    app::validate_lesson(l);
    ADD_FAILURE() << "accepted a neuron of a layer the network does not have";
  } catch (const core::UserError& e) {
    EXPECT_EQ(e.code, core::ExitCode::bad_input);
    EXPECT_NE(std::string(e.what()).find("step 1 (line 2): highlight_neuron 3:1 is not a hidden neuron"), std::string::npos) << e.what();
  }
  EXPECT_THROW(core::load_lesson("no-such-lesson"), core::UserError);
  EXPECT_THROW(core::load_lesson("/nonexistent/x.toml"), core::UserError);
}

TEST(Lessons, HeadlessPlayFollowsTheSteps) {
  const core::Lesson l = core::parse_lesson(
      "title = \"t\"\n"
      "[[step]]\npreset = \"xor\"\npause = true\ncaption = \"look\"\n"
      "[[step]]\nuntil_epoch = 40\ncaption = \"train\"\n"
      "[[step]]\nlearning_rate = 0.1\nuntil_loss = 0.5\nfor_epochs = 3\ncaption = \"more\"\n"
      "[[step]]\npreset = \"too-simple\"\nuntil_seconds = 1\ncaption = \"other\"\n",
      "l.toml", "l");
  app::HeadlessLesson play(l, {0.5, 100.0}, 10.0);
  play.finish_step(0);
  EXPECT_EQ(play.run().trainer->epoch(), 0);  // paused: nothing trained while the caption showed
  play.finish_step(1);
  EXPECT_EQ(play.run().trainer->epoch(), 40);  // stops exactly at the epoch
  play.finish_step(2);
  EXPECT_FLOAT_EQ(play.run().trainer->config().optimizer.lr, 0.1f);
  const auto& h = play.run().trainer->history();
  for (size_t i = h.size() - 3; i < h.size(); ++i) EXPECT_LT(h[i].train_loss, 0.5);
  play.finish_step(3);
  EXPECT_EQ(play.run().config.name, "too-simple");
  EXPECT_FALSE(play.advance());  // the last step is over: no more frames
  EXPECT_TRUE(play.ended());
  // Played again, the same frames: the same run.
  app::HeadlessLesson again(l, {0.5, 100.0}, 10.0);
  again.finish_step(2);
  app::HeadlessLesson once(l, {0.5, 100.0}, 10.0);
  once.finish_step(2);
  EXPECT_EQ(again.run().trainer->model().params(), once.run().trainer->model().params());
}

}  // namespace
}  // namespace nnlive
