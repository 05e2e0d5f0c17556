package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// demoTenant is the tenant of `pipbot chat`.
const demoTenant = "console:demo"

// demoMember is someone of the demo organisation and how the banner
// introduces them.
type demoMember struct {
	person bot.Person
	zh, en string // role in each language
}

// demoOrg is the organisation `pipbot chat` starts with, its reporting
// lines as a platform directory would give them: an employee and their
// manager, the manager's director, HR (an HR admin), a mentor, and an
// English-speaking employee.
func demoOrg() []demoMember {
	p := func(id, name, manager string, locale bot.Locale) bot.Person {
		return bot.Person{Tenant: demoTenant, ID: id, Name: name, ManagerID: manager, Locale: locale, HR: id == "lin"}
	}
	return []demoMember{
		{p("zhangsan", "张三", "wang", ""), "员工，经理是王经理", "employee, reports to 王经理"},
		{p("wang", "王经理", "zhao", ""), "经理，上级是赵总监", "manager, reports to 赵总监"},
		{p("zhao", "赵总监", "", ""), "总监", "director"},
		{p("lin", "林HR", "zhao", ""), "HR（管理员）", "HR (admin)"},
		{p("li", "李导师", "zhao", ""), "导师", "mentor"},
		{p("sam", "Sam", "wang", bot.LocaleEN), "员工（英文），经理是王经理", "employee (English), reports to 王经理"},
	}
}

// demoHR is the demo's break-glass HR list (PIPBOT_HR): 林HR, who can
// grant and revoke HR in chat.
var demoHR = []string{bot.PlatformConsole + ":lin"}

// demoPeople lists the demo organisation; the console starts as the first.
func demoPeople() []bot.Person {
	var people []bot.Person
	for _, m := range demoOrg() {
		people = append(people, m.person)
	}
	return people
}

// seedDemo saves people into the directory, so the engine knows the org
// chart and who is HR before anyone has typed. Saving again updates them,
// so a kept demo database (--db) can be reused.
func seedDemo(ctx context.Context, dir bot.Directory, people []bot.Person, now time.Time) error {
	for _, p := range people {
		p.UpdatedAt = now
		if err := dir.SavePerson(ctx, p); err != nil {
			return fmt.Errorf("seed demo person %s: %w", p.ID, err)
		}
	}
	return nil
}

// writeBanner introduces the demo in both languages: who is who and how
// to get around. where says what happens to the data.
func writeBanner(w io.Writer, where string) error {
	var b strings.Builder
	b.WriteString("pipbot 终端演示 · terminal demo\n")
	b.WriteString("演示组织 · demo organisation:\n")
	for i, m := range demoOrg() {
		role := m.zh
		if m.en != m.zh {
			role += " · " + m.en
		}
		fmt.Fprintf(&b, "  %d. %s (%s) — %s\n", i+1, m.person.Name, m.person.ID, role)
	}
	first := demoOrg()[0].person.Name
	fmt.Fprintf(&b, "你现在是%s。输入 帮助 查看命令，/as 王经理 切换身份，/who 查看成员，/help 控制台命令，/quit 退出。\n", first)
	fmt.Fprintf(&b, "You are %s. Type help for commands, /as 王经理 (or /as 2) to switch, /who for people, /help for console commands, /quit to leave.\n", first)
	fmt.Fprintf(&b, "%s\n\n", where)
	_, err := io.WriteString(w, b.String())
	return err
}
